"""One exception type per boundary, each carrying every problem with its path."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem at one place: ``path`` is dotted (``counts.tips_total``), ``message`` Chinese."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class _ProblemsError(Exception):
    title = "存在问题"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.describe())

    def describe(self) -> str:
        lines = [f"{self.title}（共 {len(self.problems)} 处）："]
        lines.extend(f"  - {p}" for p in self.problems)
        return "\n".join(lines)

    def as_list(self) -> list[dict[str, str]]:
        return [{"path": p.path, "message": p.message} for p in self.problems]


class FrameworkError(_ProblemsError):
    """The framework file is not a valid indicator system."""

    title = "指标体系文件有误"


class InputError(_ProblemsError):
    """The evaluation input does not satisfy the input contract (SPEC §4)."""

    title = "评估数据有误"
