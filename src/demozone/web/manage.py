"""``demozone manage ARGS…``: Django's management commands with the platform's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demozone.web.settings")
    # Imported here so that `demozone score` and friends never import Django.
    from django.core.management import execute_from_command_line  # noqa: PLC0415

    try:
        execute_from_command_line(["demozone manage", *argv])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
