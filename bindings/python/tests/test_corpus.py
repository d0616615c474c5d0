"""Every testdata/ case through the Python API gives exactly the expected output or error."""

import json
from decimal import Decimal

import pytest

import splitter
from conftest import corpus

CASES = corpus()
IDS = [name for name, _, _ in CASES]


def check(case, group):
    if "error" in case:
        with pytest.raises(splitter.SplitterError) as info:
            splitter.compute(group)
        assert (info.value.code, info.value.path) == (case["error"]["code"], case["error"]["path"])
        if "message" in case["error"]:
            # The text people read, where the case fixes it: the same bytes in every face.
            assert str(info.value) == case["error"]["message"]
    else:
        report = splitter.compute(group)
        assert report.to_dict() == case["output"]
        assert json.loads(report.to_json()) == case["output"]


@pytest.mark.parametrize("name,case,text", CASES, ids=IDS)
def test_case_from_python_objects(name, case, text):
    if "input_text" in case:
        check(case, text)  # not representable as Python objects (not JSON, repeated keys)
        return
    # JSON numbers become Decimal, read exactly from their text; never float.
    check(case, json.loads(text, parse_float=Decimal))


@pytest.mark.parametrize("name,case,text", CASES, ids=IDS)
def test_case_from_json_text(name, case, text):
    check(case, text)
