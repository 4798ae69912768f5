"""The CLI scores from files alone: Django is never imported (no database needed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from demozone.cli import main

for argv in ({commands}):
    sys.argv = ["demozone", *argv]
    try:
        main()
    except SystemExit as exc:
        assert exc.code in (0, None), (argv, exc.code)
loaded = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
assert not loaded, loaded
print("no django")
"""


def test_score_validate_template_and_framework_do_not_import_django(write, sample_doc, tmp_path):
    path = str(write(sample_doc, "盐城.yaml"))
    commands = [
        ["score", path],
        ["score", "--json", path],
        ["validate", path],
        ["template", "--out", str(tmp_path / "t.yaml")],
        ["framework", "show"],
    ]
    script = SCRIPT.format(commands=", ".join(repr(c) for c in commands))
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("no django")


def test_the_installed_console_script_scores_a_file(write, sample_doc):
    script = Path(sys.executable).with_name("demozone")
    path = write(sample_doc, "自评/盐城.yaml")
    done = subprocess.run(
        [str(script), "score", "--json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["region"] == "盐城市"
    bad = subprocess.run(
        [str(script), "validate", str(path.with_name("无.yaml"))],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2
    assert "无.yaml：文件或目录不存在" in bad.stderr
