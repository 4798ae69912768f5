"""The compiled kernel's own guards, apart from what it writes (test_fastlane.py)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from demozone.core.cardjson import _card_plan, scorecard_json
from demozone.core.fastlane import _program, _schema
from demozone.core.inputs import parse_input
from demozone.core.loader import load_bundled
from factories import complete_input

_fastcard = pytest.importorskip("demozone._fastcard")
FW = load_bundled()


def a_line() -> bytes:
    """A line the kernel scores: national figures given would take the Python path."""
    doc = complete_input()
    del doc["statistics"]["national"]
    return json.dumps(doc, ensure_ascii=False).encode()


def test_a_call_made_while_a_line_is_being_scored_steps_aside():
    # The build callback runs Python, which may let another thread in: that caller must not
    # touch the line being scored, and gets None (the Python path) instead.
    line = a_line()
    card = _card_plan(FW)
    inner: list[bytes | None] = []

    def build(year0: int) -> object:
        inner.append(kernel.score(line))
        return _fastcard.Program(_program(FW, card, (year0, year0 + 1)))

    kernel = _fastcard.Kernel(_schema(FW), build)
    want = scorecard_json(FW, parse_input(json.loads(line, parse_float=Decimal), FW))
    assert kernel.score(line) == want
    assert inner == [None]
    assert kernel.score(line) == want  # and the kernel is free again


def test_a_pair_of_years_is_built_once():
    line = a_line()
    card = _card_plan(FW)
    built: list[int] = []

    def build(year0: int) -> object:
        built.append(year0)
        return _fastcard.Program(_program(FW, card, (year0, year0 + 1)))

    kernel = _fastcard.Kernel(_schema(FW), build)
    for _ in range(3):
        assert kernel.score(line) is not None
    assert built == [2022]


def test_a_pair_of_years_the_kernel_cannot_run_steps_aside_every_time():
    line = a_line()
    kernel = _fastcard.Kernel(_schema(FW), lambda year0: None)
    assert kernel.score(line) is None
    assert kernel.score(line) is None


def test_a_build_that_fails_raises_rather_than_scoring_wrongly():
    line = a_line()

    def build(year0: int) -> object:
        raise RuntimeError("broken")

    kernel = _fastcard.Kernel(_schema(FW), build)
    with pytest.raises(RuntimeError, match="broken"):
        kernel.score(line)


def test_a_build_that_returns_another_years_tables_raises():
    card = _card_plan(FW)
    kernel = _fastcard.Kernel(
        _schema(FW), lambda year0: _fastcard.Program(_program(FW, card, (2020, 2021)))
    )
    with pytest.raises(TypeError, match="Program of its year"):
        kernel.score(a_line())
