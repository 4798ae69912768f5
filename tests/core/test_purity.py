"""The core is pure: importing and using it never pulls in Django (issue 2, house style)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap

from factories import complete_input

SCRIPT = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys
    from decimal import Decimal

    import demozone.core
    modules = sorted(m.name for m in pkgutil.walk_packages(demozone.core.__path__, "demozone.core."))
    for name in modules:
        importlib.import_module(name)

    from demozone.core.inputs import parse_input
    from demozone.core.loader import load_bundled
    from demozone.core.scoring import score

    framework = load_bundled()
    doc = json.loads(sys.stdin.read(), parse_float=Decimal)
    card = score(framework, parse_input(doc, framework))
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("django", "ninja", "typer", "rich"))
    print(json.dumps({"modules": modules, "total": str(card.total), "heavy": heavy}))
    """
)


def test_importing_the_core_and_scoring_loads_no_django():
    # Django is installed here, so its absence below is the core's doing.
    assert importlib.util.find_spec("django") is not None
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        input=json.dumps(complete_input(), ensure_ascii=False),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["heavy"] == []
    assert report["total"] == "100"
    assert {
        "demozone.core.inputs",
        "demozone.core.loader",
        "demozone.core.scoring",
        "demozone.core.scorecard",
        "demozone.core.reference",
    } <= set(report["modules"])
