"""The compiled kernel words a percentage as the engine does (``Q.shown``): divided to 40
digits half even, less 1 for a growth, times 100, rounded half up to 2 places, digit for digit,
whatever the figures' sizes and decimal places within what an input may hold."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from demozone.core.scoring import _EXACT, Q

# Whether the kernel is built at all is test_fastlane's to check.
_fastcard = pytest.importorskip("demozone._fastcard")

RATIO, SHARE, GROWTH = 0, 1, 2
_HUNDRED, _ONE = Decimal(100), Decimal(1)


def engine(num: Decimal, den: Decimal, mode: int) -> str:
    q = Q(num, den)
    if mode == GROWTH:
        return q.shown(_HUNDRED, _ONE)
    return q.shown(_HUNDRED) if mode == SHARE else q.shown()


def kernel(num: Decimal, den: Decimal, mode: int) -> str:
    def pair(value: Decimal) -> tuple[int, int]:
        places = max(0, -int(value.as_tuple().exponent))
        return int(value.scaleb(places)), places

    shown = _fastcard.shown(pair(num), pair(den), mode)
    assert shown is not None
    return shown.decode()


# What reaches the display: an input figure (≤ 15 significant digits and places), a count × 100,
# or 100 + a stated growth.
figures = st.builds(
    lambda digits, places: Decimal(digits).scaleb(-places),
    st.integers(0, 10**15 - 1),
    st.integers(0, 15),
)


@settings(max_examples=3000, deadline=None)
@given(
    num=figures, den=figures.filter(lambda d: d > 0), mode=st.sampled_from([RATIO, SHARE, GROWTH])
)
def test_any_two_figures_are_shown_alike(num: Decimal, den: Decimal, mode: int) -> None:
    with localcontext(_EXACT):
        num = num * _HUNDRED if mode == RATIO else num
    assert kernel(num, den, mode) == engine(num, den, mode)


@pytest.mark.parametrize(
    ("num", "den", "mode"),
    [
        ("7763.87", "6804.78", GROWTH),  # 14.09
        ("6993.44", "7763.87", GROWTH),  # a fall: -9.92
        ("0", "5", GROWTH),  # -100.00
        ("1", "1", GROWTH),  # 0.00, not -0.00
        ("99999", "100000", GROWTH),  # -0.00: rounds to zero from below
        ("1.00005", "1", GROWTH),  # exactly half a hundredth: up
        ("1.000049999999999", "1", GROWTH),
        ("100.125", "100", GROWTH),  # stated growth 0.125 %
        ("1", "3", SHARE),  # 33.33, 40 digits then rounded
        ("2", "3", SHARE),  # 66.67
        ("1", "8", SHARE),  # 12.50
        ("0.000000000000001", "999999999999999", SHARE),
        ("999999999999999", "0.000000000000001", SHARE),
        ("100", "7", RATIO),
        ("1", "1", RATIO),
        ("123456789012345", "0.000000000000007", GROWTH),
    ],
)
def test_awkward_figures_are_shown_alike(num: str, den: str, mode: int) -> None:
    assert kernel(Decimal(num), Decimal(den), mode) == engine(Decimal(num), Decimal(den), mode)
