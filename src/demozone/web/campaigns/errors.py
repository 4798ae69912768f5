"""The platform's boundary errors: each carries every problem with its path (Chinese messages)."""

from __future__ import annotations

from collections.abc import Iterable

from demozone.core.errors import Problem


class CampaignError(Exception):
    """A campaign cannot be created or changed as asked; nothing was written."""

    title = "无法完成操作"

    def __init__(self, problems: Iterable[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.describe())

    def describe(self) -> str:
        if len(self.problems) == 1:
            return f"{self.title}：{self.problems[0]}"
        lines = [f"{self.title}（共 {len(self.problems)} 处）："]
        lines.extend(f"  - {p}" for p in self.problems)
        return "\n".join(lines)


class CampaignExistsError(CampaignError):
    title = "创建活动已存在"


class NotAllowedError(CampaignError):
    """The user's role does not allow the change (answered with 403)."""

    title = "没有权限"
