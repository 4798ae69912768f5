"""Audit rows for changes of a campaign's data: figures, judgments, overrides, large operators.

One row per changed path (``counts.tips_total``, ``judgments.36.2``, ``overrides.7``,
``large_operators``), with the indicator it belongs to, so each indicator has its own history.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from demozone.core.items import item_specs
from demozone.core.needs import OPERATORS_PATH, indicator_of_path, path_label
from demozone.web.audit.models import AuditEvent
from demozone.web.audit.services import record

if TYPE_CHECKING:
    from demozone.core.loader import Framework as CoreFramework
    from demozone.web.campaigns.models import Campaign

_KINDS = {
    "statistics": "value",
    "counts": "value",
    "rates": "value",
    "judgments": "judgment",
    "overrides": "override",
    OPERATORS_PATH: "operators",
}
_VERBS = {"create": "填报", "update": "修改", "delete": "清除"}


@lru_cache(maxsize=16)
def _indicators(fw: CoreFramework, years: tuple[int, int]) -> dict[str, int]:
    out = {path: min(numbers) for path, numbers in indicator_of_path(fw, years).items()}
    for item, spec in item_specs(fw, years).items():
        out.setdefault(f"judgments.{item}", spec.indicator)
        out[f"overrides.{item}"] = spec.indicator
    return out


def indicator_of(campaign: Campaign, path: str) -> int | None:
    return _indicators(campaign.core_framework, campaign.years).get(path)


def label_of(campaign: Campaign, path: str) -> str:
    head, _, rest = path.partition(".")
    if head == "overrides":
        return f"人工核定 {rest}"
    label, unit = path_label(campaign.core_framework, path)
    return f"{label}（{unit}）" if unit else label


def show(value: Any) -> str:
    """A value as the audit page shows it."""
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "符合" if value else "不符合"
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, Mapping):
        return "，".join(f"{k}：{show(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return f"{len(value)} 条" if value else "无"
    return str(value)


def record_data_change(
    campaign: Campaign,
    path: str,
    before: Any,
    after: Any,
    actor: Any,
    *,
    message: str = "",
) -> AuditEvent:
    """Record that ``path`` went from ``before`` to ``after`` (None: no value)."""
    head = path if path == OPERATORS_PATH else path.partition(".")[0]
    verb = "create" if before is None else "delete" if after is None else "update"
    label = label_of(campaign, path)
    return record(
        action=f"{_KINDS.get(head, 'value')}.{verb}",
        actor=actor,
        campaign=campaign,
        target=path,
        indicator=indicator_of(campaign, path),
        before=before,
        after=after,
        message=message or f"{_VERBS[verb]}{label}：{show(_main(before))} → {show(_main(after))}",
    )


def _main(value: Any) -> Any:
    # Figures and judgments are recorded with their note; the message shows the value.
    if isinstance(value, Mapping) and "value" in value:
        return value["value"]
    return value


def flatten(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A SPEC §4 document as {path: value}, the paths the audit trail and the forms use."""
    out: dict[str, Any] = {}
    for scope, series in (doc.get("statistics") or {}).items():
        for metric, by_year in series.items():
            if metric == "definitions":
                continue
            for year, value in by_year.items():
                out[f"statistics.{scope}.{metric}.{year}"] = value
    for metric, value in (doc.get("counts") or {}).items():
        out[f"counts.{metric}"] = value
    for scope, values in (doc.get("rates") or {}).items():
        for metric, value in values.items():
            out[f"rates.{scope}.{metric}"] = value
    for item, value in (doc.get("judgments") or {}).items():
        out[f"judgments.{item}"] = value
    for item, value in (doc.get("overrides") or {}).items():
        out[f"overrides.{item}"] = {"score": value["score"], "reason": value["reason"]}
    if OPERATORS_PATH in doc:
        out[OPERATORS_PATH] = [dict(op) for op in doc[OPERATORS_PATH]]
    return out


def record_document_diff(
    campaign: Campaign, old: Mapping[str, Any], new: Mapping[str, Any], actor: Any
) -> int:
    """One row per path whose value differs between two documents; returns how many."""
    before, after = flatten(old), flatten(new)
    changed = 0
    for path in sorted(before.keys() | after.keys()):
        if before.get(path) != after.get(path):
            record_data_change(campaign, path, before.get(path), after.get(path), actor)
            changed += 1
    return changed
