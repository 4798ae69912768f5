"""No lost updates on the data-entry cards (issue 4, item 4).

A card carries, in a hidden ``base`` field, the text of every field as it was shown. On save:

- a field the user left as it was is not written at all, so a value somebody else saved in the
  meantime stays;
- a field the user changed is written with ``expected`` = the value shown, and
  :func:`~demozone.web.campaigns.services.apply_changes` refuses it (ConflictError) if the stored
  value is no longer that one.

After a conflict the card shows the current value of each conflicting field, the other fields as
the user typed them, and a fresh ``base``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from django.http import QueryDict

from demozone.core.needs import OPERATORS_PATH, IndicatorNeeds
from demozone.web.campaigns.conflicts import Conflict
from demozone.web.campaigns.models import Campaign
from demozone.web.campaigns.services import CampaignData, Change

BASE = "base"
NOTE = "note:"
OP_NAME, OP_YEAR, OP_SALES, OP_NONE = "op.name", "op.year", "op.sales", "op.none"


def _text(value: Any) -> str:
    from demozone.web.entry.services import _text as shown  # noqa: PLC0415

    return shown(value)


def _note_key(path: str) -> str:
    # A yearly series has one source note for all its years (the form's ``note:`` field).
    head = path.split(".")
    return NOTE + (".".join(head[:3]) if head[0] == "statistics" else path)


def operators_text(rows: list[tuple[str, str, str]], none: bool) -> str:
    return json.dumps({"rows": [list(r) for r in rows], "none": none}, ensure_ascii=False)


def posted_operators_text(posted: Mapping[str, Any]) -> str:
    from demozone.web.entry.services import _posted_operators  # noqa: PLC0415

    return operators_text(_posted_operators(posted), bool(posted.get(OP_NONE)))


def base_of(campaign: Campaign, needs: IndicatorNeeds, data: CampaignData) -> dict[str, str]:
    """Every field of one card as the form shows it, from the stored data."""
    fw = campaign.core_framework
    stored = data.values_by_path(fw)
    judged = data.judgments_by_item()
    base: dict[str, str] = {}
    for s in needs.series:
        key = f"statistics.{s.scope}.{s.metric}"
        note = ""
        for path in s.paths:
            row = stored.get(path)
            base[path] = _text(row.value) if row else ""
            if row is not None and row.source_note and not note:
                note = str(row.source_note)
        base[NOTE + key] = note
    for path in [c.path for c in needs.counts] + [r.path for r in needs.rates]:
        row = stored.get(path)
        base[path] = _text(row.value) if row else ""
        base[NOTE + path] = str(row.source_note) if row else ""
    if needs.operators is not None:
        rows = [(op.name, str(op.year), _text(op.ecommerce_sales)) for op in data.operators]
        none = campaign.large_operators_reported and not data.operators
        base[OPERATORS_PATH] = operators_text(rows, none)
        base[NOTE + OPERATORS_PATH] = data.operators[0].source_note if data.operators else ""
    for need in needs.judgments:
        judgment = judged.get(need.item)
        base[need.path] = _text(judgment.value) if judgment else ""
        base[NOTE + need.path] = judgment.note if judgment else ""
    return base


def base_json(campaign: Campaign, needs: IndicatorNeeds, data: CampaignData) -> str:
    return json.dumps(base_of(campaign, needs, data), ensure_ascii=False, sort_keys=True)


def read_base(posted: Mapping[str, Any]) -> dict[str, str] | None:
    """The ``base`` a form was rendered with; None for a form (or client) that sends none."""
    raw = posted.get(BASE)
    if not raw:
        return None
    try:
        base = json.loads(str(raw))
    except ValueError:
        return None
    if not isinstance(base, dict):
        return None
    return {str(k): str(v) for k, v in base.items()}


def _expected(path: str, text: str) -> Any:
    from demozone.web.entry.services import parse_judgment, parse_number  # noqa: PLC0415

    if path == OPERATORS_PATH:
        shown = json.loads(text)
        if not shown["rows"] and not shown["none"]:
            return None
        return [
            {"name": n, "year": y, "ecommerce_sales": parse_number(s)} for n, y, s in shown["rows"]
        ]
    if path.startswith("judgments."):
        return parse_judgment(text)
    return parse_number(text)


def against_base(
    changes: list[Change], posted: Mapping[str, Any], base: dict[str, str] | None
) -> list[Change]:
    """Drop the fields the user did not touch; give the others the value they were based on."""
    if base is None:
        return changes
    out = []
    for change in changes:
        path = change.path
        if path not in base:
            out.append(change)
            continue
        shown = posted_operators_text(posted) if path == OPERATORS_PATH else _posted(posted, path)
        note_key = _note_key(path)
        note_touched = note_key in base and _posted(posted, note_key) != base[note_key]
        if shown == base[path] and not note_touched:
            continue
        out.append(
            replace(
                change,
                note=change.note if note_touched else None,
                expected=_expected(path, base[path]),
            )
        )
    return out


def _posted(posted: Mapping[str, Any], name: str) -> str:
    return str(posted.get(name, "")).strip()


def redisplay(
    posted: Mapping[str, Any],
    old_base: dict[str, str],
    fresh_base: dict[str, str],
    conflicts: tuple[Conflict, ...],
) -> QueryDict:
    """The form to show again after a refused save.

    A field in conflict, or one the user did not touch, shows the current stored text (and is
    based on it); a field the user changed shows what they typed and stays based on the value
    they first saw, so saving it again is still checked against changes made in the meantime.
    """
    form = QueryDict(mutable=True)
    if isinstance(posted, QueryDict):
        for key in posted:
            form.setlist(key, posted.getlist(key))
    else:
        for key, value in posted.items():
            form[key] = value
    in_conflict = {c.path for c in conflicts}
    base = dict(fresh_base)
    for name, current in fresh_base.items():
        shown = posted_operators_text(posted) if name == OPERATORS_PATH else _posted(posted, name)
        touched = name in old_base and shown != old_base[name]
        if touched and name not in in_conflict:
            base[name] = old_base[name]
        elif name == OPERATORS_PATH:
            rows = json.loads(current)
            form.setlist(OP_NAME, [r[0] for r in rows["rows"]])
            form.setlist(OP_YEAR, [r[1] for r in rows["rows"]])
            form.setlist(OP_SALES, [r[2] for r in rows["rows"]])
            form.setlist(OP_NONE, ["1"] if rows["none"] else [])
        else:
            form[name] = current
    form[BASE] = json.dumps(base, ensure_ascii=False, sort_keys=True)
    return form
