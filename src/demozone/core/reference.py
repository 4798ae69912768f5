"""Bundled national reference statistics (SPEC §6), each figure with its publication."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from demozone.core.yamlio import load_yaml


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RefValue(_Model):
    year: int
    level: Decimal
    growth: Decimal | None = None
    share: Decimal | None = None
    publication: str
    preliminary: bool = False


class RefSeries(_Model):
    metric: str
    definition: str | None
    name: str
    unit: str
    publisher: str
    values: tuple[RefValue, ...]

    def at(self, year: int) -> RefValue | None:
        for value in self.values:
            if value.year == year:
                return value
        return None


class NationalReference(_Model):
    id: str
    name: str
    description: str
    note: str = ""
    series: tuple[RefSeries, ...]

    def candidates(self, metric: str, definition: str | None) -> list[RefSeries]:
        """The series of a metric, those on ``definition`` first, then the others."""
        same = [s for s in self.series if s.metric == metric and s.definition == definition]
        other = [s for s in self.series if s.metric == metric and s.definition != definition]
        return same + other


@cache
def bundled_reference() -> NationalReference:
    resource = resources.files("demozone.data") / "national-statistics.yaml"
    return NationalReference.model_validate(load_yaml(resource.read_bytes()))
