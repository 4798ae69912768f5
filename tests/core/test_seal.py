"""Sealing snapshots: the canonical JSON is fully determined, and the seal changes with any byte."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from demozone.core.errors import InputError
from demozone.core.seal import canonical_json, seal


def test_canonical_json_sorts_keys_and_has_no_white_space():
    assert (
        canonical_json({"b": 1, "a": [True, None, "盐城"]})
        == '{"a":[true,null,"盐城"],"b":1}'.encode()
    )


def test_decimals_keep_their_exact_text():
    assert canonical_json({"g": Decimal("12.60"), "n": Decimal("-0.0")}) == b'{"g":12.60,"n":0.0}'


def test_the_seal_is_the_sha256_of_the_canonical_bytes():
    doc = {"region": "盐城市", "total": Decimal("88.5")}
    assert seal(doc) == hashlib.sha256(canonical_json(doc)).hexdigest()


def test_key_order_does_not_change_the_seal_but_a_value_does():
    assert seal({"a": 1, "b": 2}) == seal({"b": 2, "a": 1})
    assert seal({"a": 1, "b": 2}) != seal({"a": 1, "b": 3})


def test_floats_and_odd_values_are_refused_with_their_path():
    with pytest.raises(InputError) as exc:
        canonical_json({"x": [1, 0.1], "y": {"z": object()}, 3: 1})
    paths = [p.path for p in exc.value.problems]
    assert "x[1]" in paths
    assert "y.z" in paths
    assert ".3" in paths or "3" in " ".join(paths)


def test_control_characters_and_quotes_are_escaped():
    assert canonical_json('a"b\\c\n') == b'"a\\"b\\\\c\\u000a"'
