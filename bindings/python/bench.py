"""Computes a 100,000-expense group from Python dicts and compares with the same group computed in
Rust in the same run. Usage: python bench.py [N]   (prints a table row and the ratio)."""

import json
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

import splitter

ROOT = pathlib.Path(__file__).resolve().parents[2]


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "group.json"
        out = subprocess.run(
            ["cargo", "run", "-q", "--release", "-p", "splitter-benches", "--example", "group_file", str(n), str(path)],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout
        rust_ms = Decimal(out.split()[1])
        group = json.loads(path.read_text(), parse_float=Decimal)
    runs = []
    for _ in range(7):
        start = time.perf_counter_ns()
        report = splitter.compute(group)
        runs.append(time.perf_counter_ns() - start)
    python_ms = Decimal(statistics.median(runs)) / Decimal(1_000_000)
    ratio = python_ms / rust_ms
    print(f"expenses {n}: rust {rust_ms:.1f} ms, python from dicts {python_ms:.1f} ms, ratio {ratio:.2f}x "
          f"({len(report.balances)} balances, {len(report.transfers)} transfers)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
