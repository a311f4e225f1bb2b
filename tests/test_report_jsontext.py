"""The fast indented JSON writer is json.dumps(ensure_ascii=False, indent=2) to the character, errors included."""

import enum
import json
from collections import OrderedDict
from pathlib import Path
from types import MappingProxyType

import pytest

from reliability import load_config, score_paths
from reliability.report.data import batch_data
from reliability.report.jsontext import dumps_indented


def stdlib(data):
    return json.dumps(data, ensure_ascii=False, indent=2)


class Level(enum.IntEnum):
    HIGH = 3


class Name(str):
    pass


AWKWARD = [
    {},
    [],
    "",
    0,
    None,
    {"a": {}, "b": [], "c": [[]], "d": [{}], "e": ({"f": ()},)},
    {"score": 71.5, "tiny": 1e-05, "huge": 1e16, "neg": -0.0, "whole": 2.0, "big": 10**30, "flag": True, "no": False},
    {"nan": float("nan"), "inf": float("inf"), "ninf": float("-inf"), "in list": [float("nan"), float("-inf")]},
    {1: "int key", 2.5: "float key", True: "bool key", None: "null key", float("inf"): "inf key"},
    {"text": "Quote \u201cthis\u201d \u2014 caf\u00e9, \u4e2d\u6587, emoji \U0001f600, tab\t, nl\n, nul\x00, bs\\ \"q\""},
    {"lone surrogate": "\ud800 end", "bidi": "\u202e evil", "line sep": "\u2028"},
    {"evidence": [{"start": 3, "end": 9, "text": "anon", "note": "vague"}] * 3, "details": {"counts": [1, 2, 3]}},
    ["mixed", 1, 2.25, None, True, [1, [2, [3, {"deep": [None]}]]]],
    {"enum": Level.HIGH, "sub": Name("x"), Name("key"): 1},
    OrderedDict([("b", 1), ("a", 2)]),
    {"ordered": OrderedDict([("z", 1)])},
    (1, "tuple at top"),
]


@pytest.mark.parametrize("data", AWKWARD, ids=range(len(AWKWARD)))
def test_same_text_as_json_dumps(data):
    assert dumps_indented(data) == stdlib(data)


def test_a_real_report_is_written_identically():
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    data = batch_data(score_paths([str(seeds)], load_config(), jobs=1))
    assert dumps_indented(data) == stdlib(data)


@pytest.mark.parametrize("bad", [{"x": object()}, {(1, 2): "tuple key"}, {"m": MappingProxyType({"a": 1})}, {"s": {1, 2}}])
def test_values_json_rejects_raise_the_same_error(bad):
    with pytest.raises(TypeError) as ours:
        dumps_indented(bad)
    with pytest.raises(TypeError) as theirs:
        stdlib(bad)
    assert str(ours.value) == str(theirs.value)


def test_a_cycle_raises_the_same_error():
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps_indented({"loop": loop})
