"""A decimal kept as the exact text it was entered as, on every database backend.

SQLite has no exact decimal type (Django stores DecimalField there as a REAL-affine NUMERIC), and
the scoring core compares figures exactly, so the platform never lets a float near a figure.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable


def to_text(value: Decimal) -> str:
    return format(value, "f")


class ExactDecimalField(models.CharField):  # type: ignore[type-arg]
    # What django-stubs' plugin reads as the model attribute's types (a CharField's would be str):
    # any exact figure may be assigned and a Decimal is always read back. The stubs declare them
    # on CharField as plain attributes, so redeclaring them here is reported as an override.
    _pyi_private_set_type: Decimal | str | int | Combinable  # type: ignore[assignment]
    _pyi_private_get_type: Decimal  # type: ignore[assignment]
    _pyi_lookup_exact_type: Decimal | str | int

    description = "精确小数（按文本保存）"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 80)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 80:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        return None if value is None else Decimal(value)

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise ValidationError(f"应为数字，实际为 “{value}”") from exc
        if not result.is_finite():
            raise ValidationError("应为有限数字")
        return result

    def get_prep_value(self, value: Any) -> str | None:
        number = self.to_python(value)
        return None if number is None else to_text(number)
