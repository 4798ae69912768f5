"""YAML reading that keeps decimal numbers exact.

``yaml.safe_load`` turns ``1000.5`` into a float; scoring must see the decimal text the user wrote
(SPEC §3), so floats are constructed as :class:`~decimal.Decimal` from their text.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SPECIAL = re.compile(r"^[-+]?\.(inf|nan)$", re.IGNORECASE)


class DecimalSafeLoader(_Base):  # type: ignore[misc,valid-type]
    """A safe loader whose floats are exact decimals."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | float:
    text = str(loader.construct_scalar(node)).replace("_", "")
    if _SPECIAL.match(text):
        # Infinity and NaN are kept as floats so that validation rejects them as non-finite.
        return float(text.replace(".", "", 1))
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the YAML resolver only sends numeric text
        return float(text)


DecimalSafeLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def load_yaml(text: str | bytes) -> Any:
    """Parse one YAML document with exact decimals (raises ``yaml.YAMLError``)."""
    return yaml.load(text, Loader=DecimalSafeLoader)  # a SafeLoader subclass: safe
