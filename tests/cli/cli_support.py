"""Inputs for the command-line tests, built here so that they do not depend on examples/."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import yaml

from demozone.core.items import item_specs
from demozone.core.loader import Framework
from demozone.core.yamlio import load_yaml

# The complete sample input of SPEC §4.
SAMPLE_YAML = """\
framework: samr-2022
region:
  name: 盐城市
  zone: east
years: [2022, 2023]
statistics:
  region:
    online_retail_sales:  {2021: 1000.5, 2022: 1100, 2023: 1250}
    social_retail_sales:  {2021: 4000, 2022: 4100, 2023: 4300}
    express_volume:       {2021: 30000, 2022: 33000, 2023: 36000}
    online_retail_growth: {2023: 12.6}
    social_retail_growth: {}
    express_growth:       {}
    online_retail_share:  {}
  national:
    online_retail_growth: {2022: 4.0, 2023: 11.0}
counts:
  online_operators: 52000
  market_entities: 610000
  operators_over_2y: 30000
  online_employment: 45000
  total_employment: 4100000
  ecommerce_tax: 95000
  total_tax: 3000000
  platform_users: 320
  regulatory_staff: 600
  identity_claims_distributed: 1800
  identity_claims_handled: 1800
  tips_total: 900
  tips_verified_on_time: 880
  assigned_total: 40
  assigned_handled_timely: 39
  assigned_completed: 38
  reconsideration_total: 12
  reconsideration_upheld: 12
  litigation_total: 5
  litigation_won: 5
  procedural_losses: 0
  monitoring_total: 300
  monitoring_checked_timely: 290
  monitoring_checked_completed: 295
  complaints_total: 15000
  complaints_initial_on_time: 14800
  complaints_closed_on_time: 14700
  training_hours_min: 56
  national_media_reports: 1
  provincial_media_reports: 3
  institutional_outputs: 1
rates:
  region:   {mediation_success_rate: 70.2, satisfaction: 92.0, odr_on_time_rate: 97.5,
             odr_settlement_rate: 80.1, training_coverage: 100}
  national: {mediation_success_rate: 65.0, satisfaction: 90.0, odr_on_time_rate: 96.0,
             odr_settlement_rate: 78.0}
large_operators:
  - {name: 某电子商务有限公司, year: 2023, ecommerce_sales: 25000}
judgments:
  "10": 2
  "11.3": true
  "28.2": true
overrides:
  "3": {score: 1, reason: 专家核定：市场主体数口径调整}
"""


def judged_doc(framework: Framework) -> dict[str, Any]:
    """The sample with every qualitative item judged met: total 91, but 促进发展 only 60%."""
    doc: dict[str, Any] = load_yaml(SAMPLE_YAML)
    for spec in item_specs(framework, (2022, 2023)).values():
        if spec.judgeable and spec.qualitative:
            doc["judgments"].setdefault(spec.id, True)
    return doc


class _Dumper(yaml.SafeDumper):
    """Writes Decimals as plain YAML numbers, so the file reads back exactly."""


_Dumper.add_representer(
    Decimal,
    lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f")),
)


def _json_number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(type(value).__name__)


def to_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, default=_json_number)


def to_yaml(doc: dict[str, Any]) -> str:
    return yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
