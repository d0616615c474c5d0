"""A write then a balances read, on groups of many sizes: what one user's "add an expense, see
the new balances" costs as the group grows (issue 14).

Usage: python3 write_read.py BASE_URL PAIRS SIZE [SIZE ...]

Registers an account, makes one group of 4 members per size, seeds each with SIZE expenses
(8 connections at once; every expense split between two members, so a 100,000-expense group
holds 200,000 share rows, inside the account budget of a full computation), then times PAIRS
pairs per group, one after the other on one connection: POST an expense, then GET the balances
(a cache miss: the write moved the version). Prints one markdown row per size: pairs, p50, p99
and max of the pair, and the p50 of the write and of the read alone, in milliseconds.
"""

import http.client
import json
import sys
import threading
import time
import urllib.parse

MEMBERS = ["m1", "m2", "m3", "m4"]


class Client:
    """One keep-alive connection."""

    def __init__(self, base: str, token: str = ""):
        url = urllib.parse.urlparse(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        self.token = token

    def send(self, method: str, path: str, body=None):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        data = json.dumps(body).encode() if body is not None else None
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        text = resp.read()
        if resp.status >= 300:
            raise RuntimeError(f"{method} {path}: {resp.status} {text[:300]!r}")
        return json.loads(text) if text else None


def expense(k: int) -> dict:
    a, b = MEMBERS[k % 4], MEMBERS[(k + 1) % 4]
    return {"amount": f"{k % 997 + 1}.{k % 100:02d}", "paid_by": a,
            "split": {"type": "equal", "members": [a, b]}}


def seed(base: str, token: str, gid: str, count: int, threads: int = 8) -> None:
    def work(t: int) -> None:
        c = Client(base, token)
        for k in range(t, count, threads):
            c.send("POST", f"/v1/groups/{gid}/expenses", expense(k))

    pool = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()


def percentile(values, p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main(base: str, pairs: int, sizes) -> None:
    creds = {"email": "pairs@example.com", "password": "a write then a read, timed"}
    Client(base).send("POST", "/v1/accounts", creds)
    token = Client(base).send("POST", "/v1/auth/login", creds)["access_token"]
    c = Client(base, token)
    print("| expenses in the group | pairs | pair p50 ms | pair p99 ms | pair max ms | write p50 ms | read p50 ms |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        gid = c.send("POST", "/v1/groups", {"name": f"size {size}", "currency": "EUR", "members": MEMBERS})["id"]
        t0 = time.time()
        seed(base, token, gid, size)
        print(f"seeded {size} expenses in {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
        # A fresh connection: the server closes one left idle past its keep-alive timeout.
        c = Client(base, token)
        pair, write, read = [], [], []
        for k in range(pairs + 3):
            a = time.perf_counter()
            c.send("POST", f"/v1/groups/{gid}/expenses", expense(size + k))
            b = time.perf_counter()
            balances = c.send("GET", f"/v1/groups/{gid}/balances")
            e = time.perf_counter()
            assert len(balances["balances"]) == 4
            if k >= 3:  # the first few warm the connection and the caches
                pair.append((e - a) * 1000)
                write.append((b - a) * 1000)
                read.append((e - b) * 1000)
        print(f"| {size:,} | {len(pair)} | {percentile(pair, 50):.2f} | {percentile(pair, 99):.2f} | "
              f"{max(pair):.2f} | {percentile(write, 50):.2f} | {percentile(read, 50):.2f} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), [int(s) for s in sys.argv[3:]])
