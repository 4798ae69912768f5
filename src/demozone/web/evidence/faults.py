"""Named points in an upload where a fault test stops the process (issue 4, item 5).

Inert in production: nothing reads the environment, and a point does nothing unless a test has
installed a hook for it in its own process (the fault test's worker script does, then blocks).
"""

from __future__ import annotations

from collections.abc import Callable

BEFORE_COMMIT = "evidence.before_commit"  # rows written, transaction still open
AFTER_COMMIT = "evidence.after_commit"  # rows committed, file not yet in its content place

_HOOKS: dict[str, Callable[[], None]] = {}


def checkpoint(name: str) -> None:
    hook = _HOOKS.get(name)
    if hook is not None:
        hook()


def install(name: str, hook: Callable[[], None]) -> None:
    _HOOKS[name] = hook


def uninstall(name: str) -> None:
    _HOOKS.pop(name, None)
