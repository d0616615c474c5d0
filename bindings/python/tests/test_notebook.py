"""examples/notebook.ipynb is committed with its outputs, and they are current: executed again
here, every code cell prints and shows the same text. Its first cell says what it needs, and its
chart is in currency units (the float conversion is for display only, and says so)."""

import copy
import json
import pathlib

import nbformat
from nbclient import NotebookClient

NOTEBOOK = pathlib.Path(__file__).resolve().parents[3] / "examples" / "notebook.ipynb"


def texts(nb):
    """Each code cell's text outputs (stream text, text/plain, text/html), images left out:
    their bytes depend on the plotting library's version."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell_texts = []
        for o in cell.outputs:
            if o.output_type == "stream":
                cell_texts.append(("stream", o.text))
            elif o.output_type in ("execute_result", "display_data"):
                for kind in ("text/plain", "text/html"):
                    if kind in o.data and "image/png" not in o.data:
                        cell_texts.append((kind, o.data[kind]))
                if "image/png" in o.data:
                    cell_texts.append(("image", "png"))
            elif o.output_type == "error":
                cell_texts.append(("error", o.ename))
        out.append(cell_texts)
    return out


def test_the_notebook_says_what_it_needs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    assert 'pip install "splitter-money[notebook]"' in first.source


def test_the_committed_outputs_are_there_and_current():
    committed = nbformat.read(NOTEBOOK, as_version=4)
    code_cells = [c for c in committed.cells if c.cell_type == "code"]
    assert all(c.outputs and c.execution_count for c in code_cells), "commit the notebook executed"
    fresh = copy.deepcopy(committed)
    for c in fresh.cells:
        if c.cell_type == "code":
            c.outputs = []
    NotebookClient(fresh, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    assert texts(fresh) == texts(committed)
    assert not any(kind == "error" for cell in texts(fresh) for kind, _ in cell)


def test_the_chart_is_in_currency_units():
    nb = json.loads(NOTEBOOK.read_text())
    chart = next(c for c in nb["cells"] if c["cell_type"] == "code" and "import matplotlib" in "".join(c["source"]))
    source = "".join(chart["source"])
    assert "cents" not in source and 'set_ylabel("net (EUR)")' in source
    assert "float(net)" in source and "display only" in source
    assert any("image/png" in o.get("data", {}) for o in chart["outputs"])
