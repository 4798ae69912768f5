"""What every report is built from: one region's evaluation, its scorecard and what the office knows.

A :class:`ReportContext` is a pure value. The command line builds one from an input file alone (no
departments, no evidence); the web platform builds one from a campaign or a frozen round snapshot
and adds the responsibility table, the accepted evidence and the provenance of each figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from demozone.core.errors import _ProblemsError
from demozone.core.inputs import EvaluationInput, parse_input
from demozone.core.loader import Framework, load_bundled
from demozone.core.scorecard import Scorecard
from demozone.core.scoring import score

SHANGHAI = ZoneInfo("Asia/Shanghai")
ISSUER_TEMPLATE = "{region}创建全国网络市场监管与服务示范区工作领导小组办公室"


class ReportError(_ProblemsError):
    """A document could not be produced (a broken template, a missing converter or font)."""

    title = "报告生成失败"


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    """One accepted piece of evidence (佐证材料) as the submission lists it."""

    number: str  # 「36-1」: indicator number, then its running number
    title: str
    item_ids: tuple[str, ...]  # the scorecard items it supports: ("36.2",)
    sha256: str
    filename: str

    @property
    def indicators(self) -> tuple[int, ...]:
        """The indicator numbers it belongs to, from its items, else from its own number."""
        found = {_indicator_of(item) for item in self.item_ids}
        found.discard(None)
        if not found:
            found.add(_indicator_of(self.number.split("-", 1)[0]))
            found.discard(None)
        return tuple(sorted(n for n in found if n is not None))


@dataclass(frozen=True, slots=True)
class DataRow:
    """Where one figure came from: who entered it, when, and from which source."""

    metric: str
    year: int | None
    value: Decimal | None
    source_note: str
    entered_by: str
    entered_at: dt.datetime | None
    scope: str = "region"


@dataclass(frozen=True)
class ReportContext:
    """Everything a report shows. ``None`` for departments, evidence or data rows means the caller
    does not have them (an input file alone): the documents then say 「未提供」."""

    framework: Framework
    evaluation: EvaluationInput
    scorecard: Scorecard
    date: dt.date
    issuer: str | None = None
    departments: Mapping[int, tuple[str, ...]] | None = None
    evidence: tuple[EvidenceRef, ...] | None = None
    data_rows: tuple[DataRow, ...] | None = None
    # Whose evaluation it is: 「自评」, or the review stage a round's snapshot was sealed in.
    stage: str = "自评"
    # Which sealed snapshot the document was made from (「封存快照 v3，SHA-256 …」); None for live data.
    provenance: str | None = None

    @property
    def region(self) -> str:
        return self.evaluation.region

    @property
    def issuer_name(self) -> str:
        return self.issuer or ISSUER_TEMPLATE.format(region=self.region)

    @property
    def title(self) -> str:
        return f"{self.region}创建全国网络市场监管与服务示范区{self.stage}报告"

    def departments_of(self, number: int) -> tuple[str, ...]:
        if self.departments is None:
            return ()
        return tuple(self.departments.get(number, ()))

    def evidence_of(self, number: int) -> tuple[EvidenceRef, ...]:
        if self.evidence is None:
            return ()
        return tuple(ev for ev in self.evidence if number in ev.indicators)


def today() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


def context_from_document(
    data: Any,
    *,
    framework: Framework | None = None,
    date: dt.date | None = None,
    issuer: str | None = None,
) -> ReportContext:
    """Parse and score a SPEC §4 document (raises :class:`InputError` with every problem)."""
    fw = framework or load_bundled()
    return context_from_input(fw, parse_input(data, fw), date=date, issuer=issuer)


def context_from_input(
    framework: Framework,
    evaluation: EvaluationInput,
    *,
    date: dt.date | None = None,
    issuer: str | None = None,
) -> ReportContext:
    """What an input file alone gives: no departments, no evidence, no provenance."""
    return ReportContext(
        framework=framework,
        evaluation=evaluation,
        scorecard=score(framework, evaluation),
        date=date or today(),
        issuer=issuer,
    )


def _indicator_of(item_id: str) -> int | None:
    head = item_id.strip().split(".", 1)[0]
    return int(head) if head.isdigit() else None
