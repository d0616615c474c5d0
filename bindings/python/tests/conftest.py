import json
import pathlib

TESTDATA = pathlib.Path(__file__).resolve().parents[3] / "testdata"


def _raw_input(text):
    """The input's own JSON text, cut from the file, so numbers keep their exact spelling."""
    start = text.index(":", text.index('"input"')) + 1
    while text[start] in " \t\r\n":
        start += 1
    _, end = json.JSONDecoder().raw_decode(text, start)
    return text[start:end]


def corpus():
    """Every case of the shared corpus, as (name, case, input_text)."""
    cases = []
    for path in sorted(TESTDATA.glob("*.json")):
        text = path.read_text()
        case = json.loads(text)
        raw = case["input_text"] if "input_text" in case else _raw_input(text)
        cases.append((path.name, case, raw))
    assert len(cases) >= 60
    return cases
