"""Inputs for the differential tests of the compiled batch lane (tests/core/test_fastlane.py).

A case starts from a complete generated input and changes one thing, written as raw JSON text
where the text itself matters (``12.50`` is not ``12.5`` to a parser, a duplicate key is no
dict's). Each case is an edit of the document (:class:`Case` with ``edit``) or of the line's
bytes (``bytes_edit``); the tests run every case on a few generated inputs.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from demozone.core.cardjson import scorecard_json
from demozone.core.errors import InputError
from demozone.core.inputs import TOP_KEYS, ZONES, parse_input
from demozone.core.items import item_specs
from demozone.core.loader import Framework

ROOT = Path(__file__).parent.parent.parent
_SPEC = importlib.util.spec_from_file_location("bench_scoring", ROOT / "bench" / "bench_scoring.py")
assert _SPEC is not None and _SPEC.loader is not None
BENCH = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(BENCH)


# --- raw JSON text --------------------------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    """JSON text written as it is: a number's spelling, an escape, a literal json.dumps refuses."""

    text: str


@dataclass(frozen=True)
class Pairs:
    """An object written from its pairs, so that a key may come twice."""

    pairs: tuple[tuple[str | Raw, Any], ...]


def dump(value: Any, *, ascii_only: bool = False, spaced: bool = False) -> str:
    """One line of JSON. Decimals are written as they are (json.dumps cannot), floats by repr."""
    comma, colon = (", ", ": ") if spaced else (",", ":")

    def write(v: Any) -> str:
        if isinstance(v, Raw):
            return v.text
        if isinstance(v, Decimal):
            return str(v)
        if isinstance(v, Pairs):
            return "{" + comma.join(key(k) + colon + write(x) for k, x in v.pairs) + "}"
        if isinstance(v, dict):
            return "{" + comma.join(key(k) + colon + write(x) for k, x in v.items()) + "}"
        if isinstance(v, list | tuple):
            return "[" + comma.join(write(x) for x in v) + "]"
        return json.dumps(v, ensure_ascii=ascii_only)

    def key(k: Any) -> str:
        return k.text if isinstance(k, Raw) else json.dumps(str(k), ensure_ascii=ascii_only)

    return write(value)


def line_of(value: Any, **options: bool) -> bytes:
    """The UTF-8 bytes of a document's line; a lone surrogate is written as the parser would
    have read it from its escape (surrogatepass), which only a Raw escape should produce."""
    return dump(value, **options).encode("utf-8", "surrogatepass")


# --- complete inputs ------------------------------------------------------------------------


def complete(fw: Framework, seed: int) -> dict[str, Any]:
    """The bench's complete input for ``seed``, with decimals as the parser reads them.

    The bench's generator writes a stated online_retail_growth and half-point judgments whatever
    the framework: a framework without that metric, or with whole-point steps, gets them
    dropped or rounded, so the input stays valid.
    """
    rng = random.Random(seed)
    doc: dict[str, Any] = json.loads(
        json.dumps(BENCH.complete_input(rng, fw, seed)), parse_float=Decimal
    )
    stats = doc["statistics"]["region"]
    if "online_retail_growth" in stats and "online_retail_growth" not in fw.metrics:
        del stats["online_retail_growth"]
    try:
        parse_input(doc, fw)
    except InputError as exc:
        for problem in exc.problems:
            head, _, item = problem.path.partition(".")
            if head == "judgments":
                doc["judgments"][item] = True
        parse_input(doc, fw)  # any other problem is the generator's: say so
    return doc


def complete_lines(fw: Framework, seeds: Iterable[int], **options: bool) -> list[bytes]:
    return [line_of(complete(fw, seed), **options) for seed in seeds]


# --- cases ----------------------------------------------------------------------------------

Doc = dict[str, Any]


@dataclass(frozen=True)
class Case:
    id: str
    edit: Callable[[Doc], Any] | None = None  # changes the document in place (or returns a new one)
    bytes_edit: Callable[[bytes], bytes] | None = None
    options: tuple[tuple[str, bool], ...] = ()

    def line(self, base: Doc) -> bytes:
        doc = copy.deepcopy(base)
        if self.edit is not None:
            replaced = self.edit(doc)
            if replaced is not None:
                doc = replaced
        text = line_of(doc, **dict(self.options))
        return self.bytes_edit(text) if self.bytes_edit is not None else text


CASES: list[Case] = []


def case(case_id: str, edit: Callable[[Doc], Any]) -> None:
    CASES.append(Case(case_id, edit=edit))


def line_case(case_id: str, bytes_edit: Callable[[bytes], bytes]) -> None:
    CASES.append(Case(case_id, bytes_edit=bytes_edit))


def setter(*path: Any) -> Callable[[Any], Callable[[Doc], None]]:
    """An edit putting a value at ``path`` (dicts created on the way)."""

    def with_value(value: Any) -> Callable[[Doc], None]:
        def edit(doc: Doc) -> None:
            node = doc
            for key in path[:-1]:
                if isinstance(node, dict) and not isinstance(node.get(key), dict | list):
                    node[key] = {}
                node = node[key]
            node[path[-1]] = copy.deepcopy(value)  # a case runs on several inputs

        return edit

    return with_value


def deleter(*path: Any) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        if isinstance(node, dict):
            node.pop(path[-1], None)
        else:
            node.pop(path[-1])

    return edit


def both(*edits: Callable[[Doc], Any]) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        for one in edits:
            one(doc)

    return edit


def spelled(*path: Any, text: Callable[[Any], str]) -> Callable[[Doc], None]:
    """An edit writing the value at ``path`` in another spelling, made from the value."""

    def edit(doc: Doc) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = Raw(text(node[path[-1]]))

    return edit


def _with_trailing_zeros(value: Any) -> str:
    text = str(value)
    return text + "00" if "." in text else text + ".0"


SERIES = ("statistics", "region", "online_retail_sales")
COUNT = ("counts", "market_entities")  # an integer metric, the whole of online_operators
PART = ("counts", "online_operators")
DECIMAL_COUNT = ("counts", "ecommerce_tax")  # not an integer metric
RATE = ("rates", "region", "satisfaction")
NATIONAL_RATE = ("rates", "national", "satisfaction")

# -- numbers: spellings
case("series written with trailing zeros", spelled(*SERIES, "2022", text=_with_trailing_zeros))
case("series 12.50", setter(*SERIES, "2022")(Raw("12.50")))
case("count 5.0 for an integer metric", setter(*COUNT)(Raw("5000000.0")))
case("count 5.5 for an integer metric", setter(*COUNT)(Raw("5000000.5")))
case("count 5.00 for an integer metric", setter("counts", "platform_users")(Raw("5.00")))
case(
    "decimal count written with trailing zeros", spelled(*DECIMAL_COUNT, text=_with_trailing_zeros)
)
case("rate 92.50", setter(*RATE)(Raw("92.50")))
case("rate 5.0", setter(*RATE)(Raw("5.0")))
case("national rate 90.000", setter(*NATIONAL_RATE)(Raw("90.000")))
case("count 1e3", setter("counts", "platform_users")(Raw("1e3")))
case("count 1E+2", setter("counts", "platform_users")(Raw("1E+2")))
case("count 1e-0", setter("counts", "platform_users")(Raw("1e-0")))
case("count 0e0", setter("counts", "procedural_losses")(Raw("0e0")))
case("count 0e-400", setter("counts", "procedural_losses")(Raw("0e-400")))
case("count 0E+400", setter("counts", "procedural_losses")(Raw("0E+400")))
case("count 1e400", setter("counts", "platform_users")(Raw("1e400")))
case("count 1.5e-3 for a decimal metric", setter(*DECIMAL_COUNT)(Raw("1.5e-3")))
case("series 1.5e-3", setter(*SERIES, "2021")(Raw("1.5e-3")))
case("series 1.5E3", setter(*SERIES, "2023")(Raw("1.5E3")))
case("rate 9.5e1", setter(*RATE)(Raw("9.5e1")))
case("rate 1e2", setter(*RATE)(Raw("1e2")))
case("rate 1e-20", setter(*RATE)(Raw("1e-20")))
case("count -0", setter("counts", "procedural_losses")(Raw("-0")))
case("count -0.0", setter("counts", "procedural_losses")(Raw("-0.0")))
case("count -0.0 as a part", setter(*PART)(Raw("-0.0")))
case("rate -0.0", setter(*RATE)(Raw("-0.0")))
case("national rate -0.0", setter(*NATIONAL_RATE)(Raw("-0.0")))
case("series -0.00", setter(*SERIES, "2023")(Raw("-0.00")))
case("series -0 in the year before", setter(*SERIES, "2021")(Raw("-0")))
case(
    "stated growth -0.0",
    setter("statistics", "region", "online_retail_growth", "2023")(Raw("-0.0")),
)
case("count 15 significant digits", setter(*DECIMAL_COUNT)(Raw("1234567890.12345")))
case("count 16 significant digits", setter(*DECIMAL_COUNT)(Raw("1234567890.123456")))
case("count 17 significant digits", setter(*DECIMAL_COUNT)(Raw("1234567890.1234567")))
case("series 15 significant digits", setter(*SERIES, "2022")(Raw("12345678901.2345")))
case("series 16 significant digits", setter(*SERIES, "2022")(Raw("123456789012.3456")))
case("series 17 significant digits", setter(*SERIES, "2022")(Raw("1234567890123.4567")))
case("series 15 digits written in 16 characters", setter(*SERIES, "2022")(Raw("0.123456789012345")))
case("rate 15 decimal places", setter(*RATE)(Raw("90.000000000000001")))
case("rate 0.000000000000001", setter(*RATE)(Raw("0.000000000000001")))
case("rate 16 decimal places", setter(*RATE)(Raw("0.0000000000000001")))
case("series 15 decimal places", setter(*SERIES, "2023")(Raw("1.000000000000001")))
case("series 16 decimal places", setter(*SERIES, "2023")(Raw("1.0000000000000001")))
case("count 999999999999999", setter(*COUNT)(999999999999999))
case("count 999999999999999.0", setter(*COUNT)(Raw("999999999999999.0")))
case("count 1000000000000000", setter(*COUNT)(10**15))
case("count 1000000000000000.0", setter(*COUNT)(Raw("1000000000000000.0")))
case("count 1e15", setter(*COUNT)(Raw("1e15")))
case("count 9.99999999999999e14", setter(*COUNT)(Raw("9.99999999999999e14")))
case("series 1e15", setter(*SERIES, "2023")(Raw("1e15")))
case("series 999999999999999.9", setter(*SERIES, "2023")(Raw("999999999999999.9")))
case("count huge int", setter(*COUNT)(10**40))
case("count huge negative int", setter(*COUNT)(-(10**40)))
case("count int of 5000 digits", setter(*COUNT)(Raw("9" * 5000)))
case("count int 2**63", setter(*COUNT)(2**63))
case("count int 2**64 + 1", setter(*COUNT)(2**64 + 1))
case("whole and part 2**53 + 1", both(setter(*COUNT)(2**53 + 1), setter(*PART)(2**53 + 1)))
case("part 2**53 + 1 over whole 2**53", both(setter(*COUNT)(2**53), setter(*PART)(2**53 + 1)))
case(
    "whole 999999999999999 part 999999999999998",
    both(setter(*COUNT)(999999999999999), setter(*PART)(999999999999998)),
)

# -- numbers: other kinds of value
for where, path in [
    ("count", COUNT),
    ("decimal count", DECIMAL_COUNT),
    ("series", (*SERIES, "2022")),
    ("rate", RATE),
    ("national rate", NATIONAL_RATE),
    ("stated growth", ("statistics", "region", "online_retail_growth", "2023")),
    ("large operator sales", ("large_operators", 0, "ecommerce_sales")),
]:
    for label, value in [
        ("as a string", "100"),
        ("as a decimal string", "12.5"),
        ("true", True),
        ("false", False),
        ("a list", [1]),
        ("an empty list", []),
        ("an object", {"value": 1}),
        ("an empty object", {}),
        ("NaN", Raw("NaN")),
        ("Infinity", Raw("Infinity")),
        ("-Infinity", Raw("-Infinity")),
    ]:
        if path[0] == "large_operators":

            def edit(doc: Doc, value: Any = value) -> None:
                doc["large_operators"] = [
                    {"name": "企业", "year": doc["years"][1], "ecommerce_sales": value}
                ]

            case(f"{where} {label}", edit)
        else:
            case(f"{where} {label}", setter(*path)(value))

# -- null at every level
for top in TOP_KEYS:
    case(f"top-level {top} null", setter(top)(None))
for path in [
    ("statistics", "region"),
    ("statistics", "national"),
    ("rates", "region"),
    ("rates", "national"),
    SERIES,
    (*SERIES, "2021"),
    (*SERIES, "2022"),
    ("statistics", "region", "express_volume", "2023"),
    ("statistics", "region", "online_retail_growth"),
    ("statistics", "region", "definitions"),
    COUNT,
    PART,
    RATE,
    NATIONAL_RATE,
    ("region", "name"),
    ("region", "zone"),
    ("judgments", "10"),
    ("judgments", "11.3"),
    ("years", 0),
    ("years", 1),
]:
    case("null at " + ".".join(map(str, path)), setter(*path)(None))
case("large operator null", setter("large_operators")([None]))
case(
    "large operator name null",
    setter("large_operators")([{"name": None, "year": 2023, "ecommerce_sales": 30000}]),
)
case(
    "large operator year null",
    setter("large_operators")([{"name": "企业", "year": None, "ecommerce_sales": 30000}]),
)
case(
    "large operator sales null",
    setter("large_operators")([{"name": "企业", "year": 2023, "ecommerce_sales": None}]),
)
case("override null", setter("overrides")({"3": None}))
case("override score null", setter("overrides")({"3": {"score": None, "reason": "核定"}}))
case(
    "every series null",
    setter("statistics", "region")(
        {"online_retail_sales": None, "social_retail_sales": None, "express_volume": None}
    ),
)
case("every year null", setter(*SERIES)({"2021": None, "2022": None, "2023": None}))

# -- unknown keys at every level
for path in [
    (),
    ("region",),
    ("statistics",),
    ("statistics", "region"),
    ("statistics", "national"),
    ("counts",),
    ("rates",),
    ("rates", "region"),
    ("rates", "national"),
    ("judgments",),
    ("overrides",),
]:
    where = ".".join(path) or "top level"
    case(f"unknown key at {where}", setter(*path, "unknown_key")(1))
    case(f"unknown key with null at {where}", setter(*path, "unknown_key")(None))
case("unknown key in a series", setter(*SERIES, "abc")(1))
case("unknown key in a series, null", setter(*SERIES, "abc")(None))
case("unknown key in definitions", setter("statistics", "region", "definitions")({"unknown": "x"}))
case(
    "unknown key in a large operator",
    setter("large_operators")([{"name": "企业", "year": 2023, "ecommerce_sales": 30000, "x": 1}]),
)
case(
    "unknown key in an override", setter("overrides")({"3": {"score": 1, "reason": "核定", "x": 1}})
)
case(
    "rate of the nation only given for the region",
    setter("rates", "national", "training_coverage")(100),
)
case("key with a different case", setter("Counts")({}))
case("key with a trailing space", setter("counts ")({}))
case("empty key at top level", setter("")(1))


# -- duplicate keys (the last one wins in json.loads)
def duplicated(path: tuple[Any, ...], key: str, first: Any, second: Any) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        node = doc
        for k in path:
            node = node[k]
        pairs = [(k, v) for k, v in node.items() if k != key]
        pairs += [(key, first), (key, second)]
        replacement = Pairs(tuple(pairs))
        if path:
            parent = doc
            for k in path[:-1]:
                parent = parent[k]
            parent[path[-1]] = replacement
        else:
            raise AssertionError("use top_duplicated")

    return edit


def top_duplicated(key: str, first: Any) -> Callable[[Doc], Any]:
    def edit(doc: Doc) -> Pairs:
        pairs = [(k, v) for k, v in doc.items() if k != key]
        return Pairs(((key, first), *pairs, (key, doc[key])))

    return edit


case("duplicate counts block, the first invalid", top_duplicated("counts", {"x": 1}))
case("duplicate counts block, the first valid", top_duplicated("counts", {}))
case("duplicate region", top_duplicated("region", {"name": "甲市", "zone": "west"}))
case("duplicate years", top_duplicated("years", [2030, 2031]))
case("duplicate large_operators", top_duplicated("large_operators", "bad"))
case("duplicate count, the first invalid", duplicated(("counts",), "platform_users", "x", 5))
case("duplicate count, the last invalid", duplicated(("counts",), "platform_users", 5, "x"))
case(
    "duplicate count, the last larger than its whole",
    duplicated(("counts",), "online_operators", 0, 10**14),
)
case("duplicate rate", duplicated(("rates", "region"), "satisfaction", 10, 99))
case("duplicate year in a series", duplicated(SERIES, "2022", 1, 2))
case("duplicate year in a series, the first null", duplicated(SERIES, "2022", None, 2))
case("duplicate year in a series, the last null", duplicated(SERIES, "2022", 2, None))
case("duplicate region name", duplicated(("region",), "name", "甲市", "乙市"))
case("duplicate zone", duplicated(("region",), "zone", "bad", "west"))
case("duplicate judgment", duplicated(("judgments",), "10", 0, 2))
case("duplicate judgment, the last null", duplicated(("judgments",), "10", 2, None))


def same_year_twice(doc: Doc) -> None:
    series = doc["statistics"]["region"]["online_retail_sales"]
    series[" 2022"] = series["2022"]


case("a series year given as 2022 and ' 2022'", same_year_twice)


def judgment_twice(spelling: str | Raw) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        doc["judgments"]["10"] = 0
        doc["judgments"][spelling] = 2

    return edit


case("judgment 10 and ' 10'", judgment_twice(" 10"))
case("judgment 10 and '10 '", judgment_twice("10 "))
case("judgment 10 as an escaped key too", judgment_twice(Raw('"\\u0031\\u0030"')))
case(
    "duplicate key written with an escape",
    lambda doc: Pairs((*doc.items(), (Raw('"\\u0063ounts"'), {"x": 1}))),
)
case(
    "top-level key written with escapes",
    lambda doc: Pairs(
        tuple((Raw('"\\u0063ounts"') if k == "counts" else k, v) for k, v in doc.items())
    ),
)
case(
    "region key written with escapes",
    lambda doc: Pairs(
        tuple((Raw('"re\\u0067ion"') if k == "region" else k, v) for k, v in doc.items())
    ),
)

# -- the region name
OPERATOR_FIRST = {"name": "某电子商务有限公司", "year": 2023, "ecommerce_sales": 25000}
for label, name in [
    ("ASCII spaces around", " 盐城市 "),
    ("U+3000 around", "\u3000盐城市\u3000"),
    ("U+00A0 around", "\u00a0盐城市\u00a0"),
    ("U+0085 around", "\u0085盐城市\u0085"),
    ("U+200B around", "\u200b盐城市\u200b"),
    ("U+FEFF around", "\ufeff盐城市"),
    ("U+2028 inside", "盐城\u2028市"),
    ("U+2029 around", "\u2029盐城市"),
    ("emoji", "盐城😀市"),
    ("empty", ""),
    ("spaces only", "   "),
    ("U+3000 only", "\u3000"),
    ("DEL inside", "盐城\x7f市"),
    ("long", "盐城市" * 2000),
    ("ASCII", "Yancheng"),
    ("quote and backslash", '盐"城\\市'),
    ("slash", "盐/城"),
    ("private use", "\ue000"),
    ("U+FFFF", "\uffff"),
    ("astral plane", "\U00020000市"),
]:
    case(f"region name {label}", setter("region", "name")(name))
for label, text in [
    ("tab escape around", '"\\t盐城市\\t"'),
    ("newline escape", '"盐城\\n市"'),
    ("quote escape", '"盐\\"城"'),
    ("backslash escape", '"盐\\\\城"'),
    ("slash escape", '"盐\\/城"'),
    ("\\b \\f \\r escapes", '"\\b盐\\f城\\r"'),
    ("\\u4e2d escape", '"\\u4e2d\\u5fc3"'),
    ("uppercase \\u escape", '"\\u4E2D"'),
    ("\\u0000 escape", '"盐\\u0000城"'),
    ("\\u001f escape around", '"\\u001f盐城\\u001f"'),
    ("\\u0020 escape around", '"\\u0020盐城\\u0020"'),
    ("\\u3000 escape around", '"\\u3000盐城"'),
    ("escaped emoji pair", '"\\ud83d\\ude00"'),
    ("lone high surrogate", '"盐\\ud800城"'),
    ("lone low surrogate", '"\\udc00"'),
    ("reversed surrogate pair", '"\\ude00\\ud83d"'),
    ("high surrogate at the end", '"盐城\\ud83d"'),
    ("\\u2028 escape", '"盐\\u2028城"'),
    ("raw tab", '"盐\t城"'),
    ("raw newline", '"盐\n城"'),
    ("raw control character", '"盐\x01城"'),
    ("invalid escape", '"盐\\x城"'),
    ("short \\u escape", '"\\u12"'),
    ("unterminated", '"盐城'),
]:
    case(f"region name {label}", setter("region", "name")(Raw(text)))
for label, name in [("a number", 1), ("true", True), ("a list", ["盐城"]), ("an object", {})]:
    case(f"region name {label}", setter("region", "name")(name))

# Every character str.strip() removes (the Python path strips names), and a few it keeps, at
# either end of a region's name and of a counted large operator's, raw or escaped.
STRIPPED = [c for c in map(chr, range(0x3001)) if c.isspace()]
KEPT = ["\u180e", "\u200b", "\u2060", "\ufeff", "\u3164", "\xad"]
for char in STRIPPED + KEPT:
    escaped = f"\\u{ord(char):04x}"
    if ord(char) >= 0x20:  # raw control characters are not JSON
        case(
            f"region name ending with raw U+{ord(char):04X}",
            setter("region", "name")("盐城" + char),
        )
        case(
            f"operator name starting with raw U+{ord(char):04X}",
            setter("large_operators")([{**OPERATOR_FIRST, "name": char + "某公司"}]),
        )
    case(
        f"region name starting with escaped U+{ord(char):04X}",
        setter("region", "name")(Raw(f'"{escaped}盐城"')),
    )
    case(
        f"operator name ending with escaped U+{ord(char):04X}",
        setter("large_operators")([{**OPERATOR_FIRST, "name": Raw(f'"某公司{escaped}"')}]),
    )
case("region name with spaces inside", setter("region", "name")("盐 城\u3000市"))

# -- the zone
for zone in [
    "东部",
    "中部",
    "西部",
    "EAST",
    "East",
    "",
    " east",
    "east ",
    "centre",
    None,
    1,
    True,
    ["east"],
]:
    case(f"zone {zone!r}", setter("region", "zone")(zone))
case("zone 东部 as escapes", setter("region", "zone")(Raw('"\\u4e1c\\u90e8"')))
case("zone east as escapes", setter("region", "zone")(Raw('"\\u0065ast"')))

# -- the years
for label, years in [
    ("as strings", ["2022", "2023"]),
    ("as strings with spaces", [" 2022", "2023 "]),
    ("as strings with leading zeros", ["02022", "2023"]),
    ("as full-width digits", ["２０２２", "２０２３"]),
    ("as Arabic-Indic digits", ["٢٠٢٢", "٢٠٢٣"]),
    ("as 2022.0", [Raw("2022.0"), Raw("2023.0")]),
    ("as 2.022e3", [Raw("2.022e3"), Raw("2.023e3")]),
    ("as strings 2022.0", ["2022.0", "2023.0"]),
    ("non-consecutive", [2021, 2023]),
    ("reversed", [2023, 2022]),
    ("the same twice", [2022, 2022]),
    ("1999 and 2000", [1999, 2000]),
    ("2000 and 2001", [2000, 2001]),
    ("2100 and 2101", [2100, 2101]),
    ("2099 and 2100", [2099, 2100]),
    ("three entries", [2021, 2022, 2023]),
    ("one entry", [2022]),
    ("empty", []),
    ("booleans", [True, False]),
    ("nulls", [None, None]),
    ("a string", "2022-2023"),
    ("an object", {"2022": 2023}),
    ("negative", [-2022, -2021]),
    ("2023 and 2024, beyond the series", [2023, 2024]),
    ("2021 and 2022", [2021, 2022]),
]:
    case(f"years {label}", setter("years")(years))

# -- statistics of the nation, definitions
NATIONAL = {
    "online_retail_sales": {"2021": 130884, "2022": 137853, "2023": 154264},
    "social_retail_sales": {"2021": 440823, "2022": 439733, "2023": 471495},
    "express_volume": {"2021": 1083, "2022": 1105.8, "2023": 1320.7},
    "online_retail_growth": {"2022": Decimal("4.0"), "2023": Decimal("11.0")},
}
case("national statistics given", setter("statistics", "national")(copy.deepcopy(NATIONAL)))
case("national statistics given empty", setter("statistics", "national")({}))
case(
    "national statistics growth only",
    setter("statistics", "national")(
        {"online_retail_growth": {"2022": 4, "2023": Decimal("11.0")}}
    ),
)
case(
    "national statistics with a share",
    setter("statistics", "national")(
        {"online_retail_share": {"2022": Decimal("27.2"), "2023": Decimal("27.6")}}
    ),
)
case(
    "national statistics with definitions",
    setter("statistics", "national")(
        {**copy.deepcopy(NATIONAL), "definitions": {"online_retail_sales": "physical_goods"}}
    ),
)
case(
    "national definitions only",
    setter("statistics", "national")({"definitions": {"online_retail_sales": "online_retail"}}),
)
case(
    "region definitions physical goods",
    setter("statistics", "region", "definitions")({"online_retail_sales": "physical_goods"}),
)
case(
    "region definitions online retail",
    setter("statistics", "region", "definitions")({"online_retail_sales": "online_retail"}),
)
case("region definitions empty", setter("statistics", "region", "definitions")({}))
case(
    "region definitions unknown",
    setter("statistics", "region", "definitions")({"online_retail_sales": "other"}),
)
case(
    "region definitions for a metric without any",
    setter("statistics", "region", "definitions")({"express_volume": "x"}),
)
case("region definitions a list", setter("statistics", "region", "definitions")(["physical_goods"]))
case("national statistics a list", setter("statistics", "national")([]))
case(
    "national series below zero", setter("statistics", "national")({"express_volume": {"2022": -1}})
)

# -- overrides, note, framework
case("overrides empty", setter("overrides")({}))
case(
    "overrides with an entry",
    setter("overrides")({"3": {"score": 1, "reason": "专家核定：市场主体数口径调整"}}),
)
case(
    "overrides with entries",
    setter("overrides")(
        {"1.2022": {"score": 0, "reason": "核定"}, "10": {"score": Raw("1.5"), "reason": " 核定 "}}
    ),
)
case("override without reason", setter("overrides")({"3": {"score": 1}}))
case("override above the maximum", setter("overrides")({"3": {"score": 3, "reason": "核定"}}))
case("override for an unknown item", setter("overrides")({"99": {"score": 1, "reason": "核定"}}))
case("override key with spaces", setter("overrides")({" 3 ": {"score": 1, "reason": "核定"}}))
case("override a list", setter("overrides")([]))
case("note text", setter("note")("示例数据"))
case("note empty", setter("note")(""))
case("note a number", setter("note")(1))
case("note a lone surrogate", setter("note")(Raw('"\\ud800"')))
case("note deeply nested", setter("note")(Raw("[" * 5000 + "]" * 5000)))
case("note very deeply nested", setter("note")(Raw("[" * 200000 + "]" * 200000)))
case("framework the right id", setter("framework")("samr-2022"))
case("framework a wrong id", setter("framework")("samr-2021"))
case("framework the right id with spaces", setter("framework")(" samr-2022"))
case("framework a number", setter("framework")(2022))
case("framework an object", setter("framework")({"id": "samr-2022"}))


# -- judgments
def judged(key: str | Raw, value: Any) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        doc.setdefault("judgments", {})
        if not isinstance(doc["judgments"], dict):
            doc["judgments"] = {}
        doc["judgments"][key] = value

    return edit


for key, value in [
    ("10", True),
    ("10", False),
    ("10", 0),
    ("10", Raw("0.5")),
    ("10", 1),
    ("10", Raw("1.0")),
    ("10", Raw("1.50")),
    ("10", Raw("2.000")),
    ("10", Raw("1e0")),
    ("10", Raw("5E-1")),
    ("10", Raw("-0")),
    ("10", Raw("-0.0")),
    ("10", Raw("0.0")),
    ("10", "1"),
    ("10", 3),
    ("10", Raw("2.5")),
    ("10", Raw("0.3")),
    ("10", Raw("0.25")),
    ("10", -1),
    ("10", Raw("-0.5")),
    ("10", Raw("NaN")),
    ("10", Raw("1e400")),
    ("10", []),
    ("16", 3),
    ("16", Raw("2.5")),
    ("11.3", True),
    ("11.3", Raw("0.5")),
    ("11.3", 1),
    ("11.3", Raw("1.0")),
    ("11.3", 2),
    ("28.1", True),
    ("28.1", 1),
    ("28.1", Raw("3.0")),
    ("28", True),
    ("28", 3),
    ("99", True),
    ("99.9", 1),
    ("", True),
    ("1.2022", True),
    ("1.2022", Raw("0.5")),
    ("1.2021", True),
    ("1.2024", True),
    ("3", 1),
    ("3", True),
    ("4", 2),
    ("34", 1),
    ("18.2", True),
    (" 10", 2),
    ("10 ", 2),
    ("\u300010", 2),
    ("10.0", 2),
    ("010", 2),
    ("1.20220", True),
    (" 11.3 ", True),
    ("10", None),
    ("28.1", None),
]:
    case(
        f"judgment {key!r}: {value.text if isinstance(value, Raw) else json.dumps(value)}",
        judged(key, value),
    )
case("judgments null", setter("judgments")(None))
case("judgments empty", setter("judgments")({}))
case("judgments a list", setter("judgments")([]))
case("judgments absent", deleter("judgments"))
case("judgment key as escapes", judged(Raw('"\\u0031\\u0030"'), 2))

# -- large operators
OPERATOR = {"name": "某电子商务有限公司", "year": 2023, "ecommerce_sales": 25000}
for label, operators in [
    ("null", None),
    ("empty", []),
    ("one above the threshold", [OPERATOR]),
    ("two above the threshold", [OPERATOR, {**OPERATOR, "year": 2022}]),
    ("exactly the threshold", [{**OPERATOR, "ecommerce_sales": 20000}]),
    ("exactly the threshold written 20000.00", [{**OPERATOR, "ecommerce_sales": Raw("20000.00")}]),
    ("exactly the threshold written 2e4", [{**OPERATOR, "ecommerce_sales": Raw("2e4")}]),
    ("just below the threshold", [{**OPERATOR, "ecommerce_sales": Raw("19999.99")}]),
    ("with 15 digits of sales", [{**OPERATOR, "ecommerce_sales": Raw("20000.0000000001")}]),
    ("missing its name", [{"year": 2023, "ecommerce_sales": 25000}]),
    ("missing its year", [{"name": "企业", "ecommerce_sales": 25000}]),
    ("missing its sales", [{"name": "企业", "year": 2023}]),
    ("an empty object", [{}]),
    ("a number", [1]),
    ("a list", [[]]),
    ("an object", {"name": "企业"}),
    ("a string", "企业"),
    ("year outside the evaluated years", [{**OPERATOR, "year": 2021}]),
    ("year 2099", [{**OPERATOR, "year": 2099}]),
    ("year 1999", [{**OPERATOR, "year": 1999}]),
    ("year as a string", [{**OPERATOR, "year": "2023"}]),
    ("year as a string with spaces", [{**OPERATOR, "year": " 2023 "}]),
    ("year 2023.0", [{**OPERATOR, "year": Raw("2023.0")}]),
    ("year true", [{**OPERATOR, "year": True}]),
    ("sales negative", [{**OPERATOR, "ecommerce_sales": -1}]),
    ("sales -0.0", [{**OPERATOR, "ecommerce_sales": Raw("-0.0")}]),
    ("sales a string", [{**OPERATOR, "ecommerce_sales": "25000"}]),
    ("sales huge", [{**OPERATOR, "ecommerce_sales": 10**20}]),
    ("sales 999999999999999", [{**OPERATOR, "ecommerce_sales": 999999999999999}]),
    ("sales 1e5", [{**OPERATOR, "ecommerce_sales": Raw("1e5")}]),
    ("sales 25000.50", [{**OPERATOR, "ecommerce_sales": Raw("25000.50")}]),
    ("name with spaces", [{**OPERATOR, "name": "  某公司  "}]),
    ("name spaces only", [{**OPERATOR, "name": "  "}]),
    ("name a number", [{**OPERATOR, "name": 1}]),
    ("name with quotes and backslashes", [{**OPERATOR, "name": '某"公司"\\'}]),
    ("name with U+2028", [{**OPERATOR, "name": "某\u2028公司"}]),
    ("name with escapes", [{**OPERATOR, "name": Raw('"\\u67d0\\n\\t\\u516c\\u53f8"')}]),
    ("name with a lone surrogate, counted", [{**OPERATOR, "name": Raw('"\\ud800"')}]),
    (
        "name with a lone surrogate, below the threshold",
        [{**OPERATOR, "name": Raw('"\\ud800"'), "ecommerce_sales": 1}],
    ),
    (
        "name with a lone surrogate, another year",
        [{**OPERATOR, "name": Raw('"\\ud800"'), "year": 2021}],
    ),
    ("name emoji", [{**OPERATOR, "name": "😀公司"}]),
    ("extra key", [{**OPERATOR, "extra": 1}]),
    ("extra key null", [{**OPERATOR, "extra": None}]),
    ("three above the threshold", [OPERATOR, OPERATOR, OPERATOR]),
    ("many", [{**OPERATOR, "name": f"企业{k}", "ecommerce_sales": 1000 * k} for k in range(60)]),
]:
    case(f"large operators {label}", setter("large_operators")(operators))
case("large operators absent", deleter("large_operators"))
case(
    "large operators, zone west",
    both(
        setter("region", "zone")("west"),
        setter("large_operators")([{**OPERATOR, "ecommerce_sales": 5000}]),
    ),
)
case(
    "large operators, zone 中部",
    both(
        setter("region", "zone")("中部"),
        setter("large_operators")([{**OPERATOR, "ecommerce_sales": Raw("10000.0")}]),
    ),
)

# -- counts
case("a part greater than its whole", both(setter(*COUNT)(100), setter(*PART)(101)))
case("a part equal to its whole", both(setter(*COUNT)(100), setter(*PART)(100)))
case(
    "a part 100.5 of a decimal whole 100.4",
    both(setter("counts", "total_tax")(Raw("100.4")), setter(*DECIMAL_COUNT)(Raw("100.5"))),
)
case(
    "a part of a whole of 0",
    both(setter(*COUNT)(0), setter(*PART)(0), setter("counts", "operators_over_2y")(0)),
)
case("every whole 0", lambda doc: doc.update(counts=dict.fromkeys(doc["counts"], 0)))
case("every count absent", setter("counts")({}))
case("a part without its whole", deleter(*COUNT))
case("a whole without its part", deleter(*PART))
case("integer metric 5.0", setter("counts", "platform_users")(Raw("5.0")))
case("integer metric 5.5", setter("counts", "platform_users")(Raw("5.5")))
case(
    "integer metric 5.000000000000001", setter("counts", "platform_users")(Raw("5.000000000000001"))
)
case("count negative", setter("counts", "platform_users")(-1))
case("count -0.5", setter(*DECIMAL_COUNT)(Raw("-0.5")))
case("count unknown id", setter("counts", "unknown_count")(1))
case("count procedural losses 1", setter("counts", "procedural_losses")(1))
case("count training hours 49.99", setter("counts", "training_hours_min")(Raw("49.99")))
case("count training hours 50.00", setter("counts", "training_hours_min")(Raw("50.00")))
case("count regulatory staff 0", setter("counts", "regulatory_staff")(0))
case(
    "count platform users exactly half of the staff",
    both(setter("counts", "regulatory_staff")(600), setter("counts", "platform_users")(300)),
)
case("count institutional outputs 7", setter("counts", "institutional_outputs")(7))
case(
    "count media reports 0",
    both(
        setter("counts", "national_media_reports")(0),
        setter("counts", "provincial_media_reports")(0),
    ),
)
case(
    "ratio exactly 15 percent",
    both(setter(*COUNT)(1000), setter(*PART)(150), setter("counts", "operators_over_2y")(75)),
)
case(
    "ratio exactly 8 percent",
    both(setter(*COUNT)(1000), setter(*PART)(80), setter("counts", "operators_over_2y")(24)),
)
case(
    "ratio with a repeating decimal",
    both(setter(*COUNT)(3), setter(*PART)(1), setter("counts", "operators_over_2y")(1)),
)
case(
    "ratio of decimals",
    both(setter("counts", "total_tax")(Raw("3.3")), setter(*DECIMAL_COUNT)(Raw("0.165"))),
)

# -- rates
for value in [
    0,
    100,
    Raw("100.0"),
    Raw("100.01"),
    Raw("99.999999999999"),
    -1,
    Raw("-0.01"),
    Raw("50.005"),
]:
    shown = value.text if isinstance(value, Raw) else str(value)
    case(f"rate {shown}", setter(*RATE)(value))
    case(f"national rate {shown}", setter(*NATIONAL_RATE)(value))
case(
    "rate equal to the nation's",
    lambda doc: doc["rates"]["region"].update(
        satisfaction=doc["rates"]["national"]["satisfaction"]
    ),
)
case("national rates missing", deleter("rates", "national"))
case("national rates empty", setter("rates", "national")({}))
case("region rates missing", deleter("rates", "region"))
case("rates absent", deleter("rates"))
case("training coverage 100", setter("rates", "region", "training_coverage")(100))
case("training coverage 99.99", setter("rates", "region", "training_coverage")(Raw("99.99")))

# -- series
GROWTH = ("statistics", "region", "online_retail_growth")
for label, value in [
    ("-100.01", Raw("-100.01")),
    ("-100", -100),
    ("-100.0", Raw("-100.0")),
    ("-99.99", Raw("-99.99")),
    ("0", 0),
    ("1000", 1000),
    ("12.60", Raw("12.60")),
]:
    case(f"stated growth {label}", setter(*GROWTH)({"2023": value}))
    case(
        f"stated national growth {label}",
        setter("statistics", "national", "online_retail_growth")({"2022": 4, "2023": value}),
    )
case("stated growth for both years", setter(*GROWTH)({"2022": Raw("8.5"), "2023": Raw("9.5")}))
case("stated growth for a year not evaluated", setter(*GROWTH)({"2021": 3}))
case(
    "stated express growth",
    setter("statistics", "region", "express_growth")({"2022": 10, "2023": 20}),
)
case(
    "stated social retail growth",
    setter("statistics", "region", "social_retail_growth")({"2023": Raw("-3.5")}),
)
for label, value in [
    ("100", 100),
    ("100.01", Raw("100.01")),
    ("0", 0),
    ("-1", -1),
    ("27.50", Raw("27.50")),
]:
    case(
        f"stated share {label}",
        setter("statistics", "region", "online_retail_share")({"2022": 30, "2023": value}),
    )
case("a level of 0 in the year before", setter("statistics", "region", "express_volume", "2021")(0))
case(
    "a level of 0.00 in the year before",
    setter("statistics", "region", "express_volume", "2021")(Raw("0.00")),
)
case(
    "levels of 0 in every year",
    setter("statistics", "region", "express_volume")({"2021": 0, "2022": 0, "2023": 0}),
)
case(
    "social retail 0 (share undefined)",
    setter("statistics", "region", "social_retail_sales")({"2021": 0, "2022": 0, "2023": 0}),
)
case(
    "online retail above social retail",
    setter("statistics", "region", "online_retail_sales")(
        {"2021": 10**9, "2022": 10**9, "2023": 10**9}
    ),
)
case("a missing year", deleter(*SERIES, "2021"))
case("the last year missing", deleter(*SERIES, "2023"))
case("a series empty", setter(*SERIES)({}))
case("a series absent", deleter(*SERIES))
case("a series a list", setter(*SERIES)([1, 2, 3]))
case(
    "extra years outside the evaluated ones",
    lambda doc: doc["statistics"]["region"]["online_retail_sales"].update({"2019": 1, "2030": 2}),
)
case("extra year 1999", setter(*SERIES, "1999")(1))
case("extra year 2101", setter(*SERIES, "2101")(1))
case("a negative level", setter(*SERIES, "2022")(-1))
case("equal levels", setter(*SERIES)({"2021": 100, "2022": 100, "2023": 100}))


def rename_year(spelling: str, year: str = "2022") -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        series = doc["statistics"]["region"]["online_retail_sales"]
        series[spelling] = series.pop(year)

    return edit


for spelling in [
    " 2022",
    "2022 ",
    "2022.0",
    "02022",
    "+2022",
    "２０２２",
    "2022\u3000",
    "",
    "abc",
    "²",
]:
    case(f"series year key {spelling!r}", rename_year(spelling))
case(
    "series year key as escapes",
    lambda doc: doc["statistics"]["region"].update(
        online_retail_sales=Pairs(
            tuple(
                (Raw('"\\u0032022"') if k == "2022" else k, v)
                for k, v in doc["statistics"]["region"]["online_retail_sales"].items()
            )
        )
    ),
)
case(
    "series years out of order",
    lambda doc: doc["statistics"]["region"].update(
        online_retail_sales=dict(
            reversed(list(doc["statistics"]["region"]["online_retail_sales"].items()))
        )
    ),
)

# -- rounding of what the reasons show (half up, to 2 places) and exact ties
case(
    "ratio of 12.345 percent",
    both(setter(*COUNT)(20000), setter(*PART)(2469), setter("counts", "operators_over_2y")(1000)),
)
case(
    "ratio of 12.355 percent",
    both(setter(*COUNT)(20000), setter(*PART)(2471), setter("counts", "operators_over_2y")(1000)),
)
case(
    "ratio of 0.005 percent",
    both(setter(*COUNT)(20000), setter(*PART)(1), setter("counts", "operators_over_2y")(0)),
)
case(
    "growth of 12.345 percent",
    setter(*SERIES)({"2021": 100, "2022": Raw("112.345"), "2023": Raw("126.21")}),
)
case("growth of -12.345 percent", setter(*SERIES)({"2021": 100, "2022": Raw("87.655"), "2023": 90}))
case("growth of 2/3 percent", setter(*SERIES)({"2021": 300, "2022": 302, "2023": 303}))
case("rate 92.345", setter(*RATE)(Raw("92.345")))
case("rate 92.355", setter(*RATE)(Raw("92.355")))
case("national rate 90.005", setter(*NATIONAL_RATE)(Raw("90.005")))
case("stated growth 12.345", setter(*GROWTH)({"2023": Raw("12.345")}))
case("stated growth -0.005", setter(*GROWTH)({"2023": Raw("-0.005")}))
case(
    "growth equal to the nation's",
    both(
        setter("statistics", "national", "online_retail_growth")({"2022": 10, "2023": Raw("10.0")}),
        setter(*SERIES)({"2021": 100, "2022": 110, "2023": Raw("121.00")}),
        deleter(*GROWTH),
    ),
)
case(
    "growth just above the nation's",
    both(
        setter("statistics", "national", "online_retail_growth")({"2022": 10, "2023": 10}),
        setter(*SERIES)({"2021": 100, "2022": Raw("110.000000001"), "2023": Raw("121.0000000012")}),
        deleter(*GROWTH),
    ),
)
case(
    "share equal to the nation's",
    setter("statistics", "region", "online_retail_share")(
        {"2022": Raw("27.2"), "2023": Raw("27.6")}
    ),
)
case("years as superscript digits", setter("years")(["²⁰²²", "2023"]))
case("years as circled digits", setter("years")(["①", "2023"]))
case(
    "large operator year as superscript digits",
    setter("large_operators")([{**OPERATOR, "year": "²"}]),
)

# -- whole-line changes
line_case("leading BOM", lambda line: b"\xef\xbb\xbf" + line)
line_case("two BOMs", lambda line: b"\xef\xbb\xbf\xef\xbb\xbf" + line)
line_case("BOM after the first brace", lambda line: b"{\xef\xbb\xbf" + line[1:])
line_case("trailing whitespace", lambda line: line + b"  \t ")
line_case("leading whitespace", lambda line: b" \t" + line)
line_case("trailing carriage return", lambda line: line + b"\r")
line_case("trailing form feed", lambda line: line + b"\x0c")
line_case("trailing NUL", lambda line: line + b"\x00")
line_case("trailing U+3000", lambda line: line + "\u3000".encode())
line_case("trailing U+00A0", lambda line: line + "\u00a0".encode())
line_case(
    "whitespace between every token",
    lambda line: line.replace(b",", b" ,\t").replace(b":", b"\r: "),
)
line_case("form feed between tokens", lambda line: line.replace(b",", b",\x0c", 1))
line_case("trailing comma in the object", lambda line: line[:-1] + b",}")
line_case("trailing comma in an array", lambda line: line.replace(b"]", b",]", 1))
line_case("a missing comma", lambda line: line.replace(b",", b" ", 1))
line_case("a missing closing brace", lambda line: line[:-1])
line_case("an extra closing brace", lambda line: line + b"}")
line_case("two documents on one line", lambda line: line + line)
line_case("two documents with a space", lambda line: line + b" " + line)
line_case("a document then a number", lambda line: line + b" 1")
line_case(
    "invalid UTF-8 byte", lambda line: line.replace("示例市".encode(), "示例".encode() + b"\xff", 1)
)
line_case(
    "truncated UTF-8 sequence",
    lambda line: line.replace("示例市".encode(), "示例市".encode()[:-1], 1),
)
line_case("overlong UTF-8 encoding", lambda line: line.replace("示例市".encode(), b"\xc0\xaf", 1))
line_case(
    "UTF-8 encoded surrogate in the name",
    lambda line: line.replace("示例市".encode(), b"\xed\xa0\x80", 1),
)
line_case(
    "UTF-8 encoded surrogate pair in the name",
    lambda line: line.replace("示例市".encode(), b"\xed\xa0\xbd\xed\xb8\x80", 1),
)
line_case(
    "UTF-8 beyond U+10FFFF", lambda line: line.replace("示例市".encode(), b"\xf4\x90\x80\x80", 1)
)
line_case(
    "Latin-1 byte", lambda line: line.replace("示例市".encode(), "示例市".encode() + b"\xe9", 1)
)
line_case("NUL byte outside strings", lambda line: line.replace(b",", b",\x00", 1))
line_case("NaN after the last key", lambda line: line[:-1] + b',"x":NaN}')
line_case("UTF-16 encoded", lambda line: line.decode().encode("utf-16-le"))
line_case("UTF-16 encoded with BOM", lambda line: line.decode().encode("utf-16"))
line_case("UTF-32 encoded", lambda line: line.decode().encode("utf-32-le"))
line_case("key without quotes", lambda line: line.replace(b'"region"', b"region", 1))
line_case("single-quoted key", lambda line: line.replace(b'"region"', b"'region'", 1))
line_case("a comment", lambda line: b"/*c*/" + line)
for label, text in [
    ("an empty object", b"{}"),
    ("an empty array", b"[]"),
    ("an array of the document", None),
    ("a bare number", b"1"),
    ("a bare string", b'"x"'),
    ("null", b"null"),
    ("true", b"true"),
    ("NaN", b"NaN"),
    ("Infinity", b"Infinity"),
    ("-Infinity", b"-Infinity"),
    ("a deeply nested array", b"[" * 100000 + b"]" * 100000),
    ("an unterminated deep array", b"[" * 100000),
    ("a deeply nested object", b'{"a":' * 3000 + b"1" + b"}" * 3000),
    ("empty", b""),
    ("spaces", b"   "),
    ("a lone brace", b"{"),
    ("a lone surrogate key", b'{"\\ud800":1}'),
]:
    if text is None:
        line_case(f"line {label}", lambda line: b"[" + line + b"]")
    else:
        line_case(f"line {label}", lambda line, text=text: text)

# -- several changes at once
case(
    "combined: escaped name, strings for years, trailing zeros, judgments 1.0",
    both(
        setter("region", "name")(Raw('"\\u76d0\\u57ce"')),
        setter("years")(["2022", "2023"]),
        spelled(*SERIES, "2022", text=_with_trailing_zeros),
        judged("10", Raw("1.0")),
    ),
)
case(
    "combined: national statistics, definitions, operators at the threshold",
    both(
        setter("statistics", "national")(copy.deepcopy(NATIONAL)),
        setter("statistics", "region", "definitions")({"online_retail_sales": "physical_goods"}),
        setter("large_operators")(
            [
                {**OPERATOR, "ecommerce_sales": 20000},
                {**OPERATOR, "year": 2022, "ecommerce_sales": Raw("2E4")},
            ]
        ),
    ),
)
case(
    "combined: zero wholes, stated growth -100, judgments for computed items",
    both(
        setter(*COUNT)(0),
        setter(*PART)(0),
        setter("counts", "operators_over_2y")(0),
        setter(*GROWTH)({"2023": -100}),
        judged("3", 1),
        judged("9", True),
        judged("1.2023", Raw("0.5")),
    ),
)
case(
    "combined: valid override with unknown key elsewhere",
    both(setter("overrides")({"3": {"score": 1, "reason": "核定"}}), setter("region", "x")(1)),
)
case(
    "combined: many problems",
    both(setter("years")([2023, 2022]), setter(*RATE)(101), setter(*COUNT)(-1), setter("x")(1)),
)
case(
    "combined: null blocks and an empty list of operators",
    both(
        setter("statistics")(None),
        setter("counts")(None),
        setter("rates")(None),
        setter("large_operators")([]),
    ),
)
case(
    "combined: minimal valid input",
    lambda doc: {"region": {"name": "甲", "zone": "east"}, "years": [2022, 2023]},
)
case(
    "combined: spaced JSON with a BOM-like name",
    both(setter("region", "name")("\ufeff甲"), setter("note")("备注")),
)
CASES.append(Case("written with spaces after separators", options=(("spaced", True),)))
CASES.append(
    Case("written with every non-ASCII character escaped", options=(("ascii_only", True),))
)

_ids = [c.id for c in CASES]
assert len(_ids) == len(set(_ids)), sorted({i for i in _ids if _ids.count(i) > 1})


# --- awkward values for the property test ---------------------------------------------------

AWKWARD: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    2,
    100,
    10**15,
    10**15 - 1,
    2**63,
    "",
    " ",
    "1",
    "2022",
    "east",
    "东部",
    "\u3000",
    [],
    [None],
    {},
    {"x": 1},
    Raw("-0"),
    Raw("-0.0"),
    Raw("0.0"),
    Raw("0.5"),
    Raw("1.0"),
    Raw("1.50"),
    Raw("12.50"),
    Raw("100.00"),
    Raw("100.01"),
    Raw("1e3"),
    Raw("1E+2"),
    Raw("1.5e-3"),
    Raw("0e-400"),
    Raw("1e400"),
    Raw("-1e400"),
    Raw("123456789012345"),
    Raw("1234567890.12345"),
    Raw("1234567890.123456"),
    Raw("0.000000000000001"),
    Raw("0.0000000000000001"),
    Raw("999999999999999.9"),
    Raw("NaN"),
    Raw("Infinity"),
    Raw('"\\ud800"'),
    Raw('"\\u4e2d"'),
    Raw('" \\t x"'),
    Raw("[[[[[]]]]]"),
]


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path in a document, containers and leaves alike."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


def at(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        doc = doc[key]
    return doc


def ref_bytes(fw: Framework, line: bytes) -> bytes | None:
    """The Python path's scorecard for a line, as batch.score_lines reads it, or None if it
    refuses the line. Anything else it raises is a failure of the Python path itself."""
    try:
        data = json.loads(line, parse_float=Decimal)
    except (ValueError, RecursionError):
        return None
    try:
        return scorecard_json(fw, parse_input(data, fw))
    except InputError:
        return None
    except orjson.JSONEncodeError:
        return None


# --- plausible figures for the property tests ------------------------------------------------
# Random but valid-looking figures, spelled in the ways a JSON writer may spell them, so that
# most lines reach the kernel's arithmetic (awkward values mostly make it step aside).


def spelling(rng: random.Random, value: Decimal) -> Any:
    """``value`` as an int, a plain decimal, with trailing zeros, or (rarely: the kernel leaves
    exponents to the Python path, and one in a line is enough) with an exponent."""
    way = rng.randrange(300)
    text = format(value, "f")
    if way < 75 and value == value.to_integral_value():
        return int(value)
    if way < 150 and len(value.as_tuple().digits) < 13:  # within 15 digits, mostly
        return Raw(text + ("" if "." in text else ".") + "0" * rng.randint(1, 3))
    if way == 150 and value:
        return Raw(f"{value:E}".replace("E+", rng.choice(["E+", "e", "e+", "E"])))
    return Raw(text)


def amount(rng: random.Random, low: int, high: int, places: int | None = None) -> Decimal:
    """A decimal in [low, high] with up to ``places`` decimal places (at most 15 digits)."""
    places = rng.choice([0, 0, 1, 2, 2, 3, 4, 6]) if places is None else places
    scale = 10**places
    return Decimal(rng.randint(low * scale, high * scale)) / scale


def near(rng: random.Random, value: Decimal) -> Decimal:
    """``value`` itself or a hair either side: where a comparison or a band turns."""
    return value + rng.choice(
        [Decimal(0), Decimal(0), Decimal("0.01"), Decimal("-0.01"), Decimal("1E-6")]
    )


def vary_figures(rng: random.Random, fw: Framework, base: Doc) -> Doc:
    """A copy of a complete input with some figures, judgments and operators drawn afresh."""
    doc = copy.deepcopy(base)
    counts, metrics = doc["counts"], fw.metrics
    for metric_id in rng.sample(sorted(counts), rng.randint(0, len(counts))):
        metric = metrics[metric_id]
        if rng.random() < 0.04:  # a whole of 0 leaves its ratios undefined
            value = Decimal(rng.choice([0, 1, 2, 3]))
        else:
            value = amount(
                rng, 0, rng.choice([10, 1000, 10**6, 10**9, 10**12]), 0 if metric.integer else None
            )
        counts[metric_id] = spelling(rng, value)
    # A part within its whole, and sometimes equal to it or a ratio on a band's boundary.
    values = {k: Decimal(v.text) if isinstance(v, Raw) else Decimal(v) for k, v in counts.items()}
    changed = True
    while changed:
        changed = False
        for metric_id, metric in metrics.items():
            whole = metric.part_of
            if metric_id in values and whole in values and values[metric_id] > values[whole]:
                values[metric_id] = values[whole]
                counts[metric_id] = counts[whole]
                changed = True
    if rng.random() < 0.3 and values.get("market_entities"):
        share = rng.choice([Decimal("0.15"), Decimal("0.08"), Decimal("0.1499"), Decimal("0.0801")])
        part = values["market_entities"] * share
        if part == part.to_integral_value() and part <= values["market_entities"]:
            counts["online_operators"] = spelling(rng, part)
            counts["operators_over_2y"] = 0
    for scope, rates in doc["rates"].items():
        for rate_id in list(rates):
            roll = rng.random()
            if roll < 0.3:
                rates[rate_id] = spelling(rng, amount(rng, 0, 100))
            elif roll < 0.45 and scope == "region" and rate_id in doc["rates"]["national"]:
                national = doc["rates"]["national"][rate_id]
                number = Decimal(national.text) if isinstance(national, Raw) else Decimal(national)
                rates[rate_id] = spelling(
                    rng, min(Decimal(100), max(Decimal(0), near(rng, number)))
                )
    stats = doc["statistics"]["region"]
    for metric_id in list(stats):
        kind = metrics[metric_id].kind
        for year in list(stats[metric_id]):
            if rng.random() < 0.3:
                if kind == "growth":
                    value = amount(rng, -100, 60)
                elif kind == "share":
                    value = amount(rng, 0, 100)
                else:
                    value = amount(rng, 0, rng.choice([10, 10**4, 10**9]))
                stats[metric_id][year] = spelling(rng, value)
    # Growth equal to the nation's stated growth (bundled figures), or a hair off it.
    if rng.random() < 0.3 and "online_retail_sales" in stats:
        first, second = doc["years"]
        level = amount(rng, 1, 10**5)
        growth = {2022: Decimal("4.0"), 2023: Decimal("11.0")}
        one = level * (1 + near(rng, growth[first]) / 100)
        two = one * (1 + near(rng, growth[second]) / 100)
        stats["online_retail_sales"] = {
            str(first - 1): spelling(rng, level),
            str(first): spelling(rng, one),
            str(second): spelling(rng, two),
        }
        stats.pop("online_retail_growth", None)
    if rng.random() < 0.5:
        zone = rng.choice(list(ZONES))
        doc["region"]["zone"] = zone
        threshold = Decimal({"east": 20000, "central": 10000, "west": 5000}[ZONES[zone]])
        doc["large_operators"] = [
            {
                "name": f"企业{k}",
                "year": rng.choice([*doc["years"], doc["years"][0] - 1]),
                "ecommerce_sales": spelling(rng, max(Decimal(0), near(rng, threshold))),
            }
            for k in range(rng.randint(0, 4))
        ]
    # Judgments of qualitative items; one for a computed item (used only when it cannot be
    # computed, ignored with a warning otherwise) now and then.
    specs = _judgeable_specs(fw, tuple(doc["years"]))
    qualitative = sorted(i for i, spec in specs.items() if spec.qualitative)
    chosen = rng.sample(qualitative, rng.randint(0, min(12, len(qualitative))))
    if rng.random() < 0.1:
        chosen.append(rng.choice(sorted(specs)))
    for item_id in chosen:
        spec = specs[item_id]
        options: list[Any] = [True, False, None]
        if not spec.bool_only:
            options += [spelling(rng, spec.step * k) for k in range(int(spec.max / spec.step) + 1)]
        doc["judgments"][item_id] = rng.choice(options)
    return doc


def _judgeable_specs(fw: Framework, years: tuple[int, ...]) -> dict[str, Any]:
    return {i: s for i, s in item_specs(fw, years).items() if s.judgeable}
