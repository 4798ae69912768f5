"""Fixtures of the command-line tests: inputs (see cli_support) and a CLI runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_support import SAMPLE_YAML, judged_doc, to_json, to_yaml
from typer.testing import CliRunner, Result

from demozone.cli import app
from demozone.core.loader import Framework, load_bundled
from demozone.core.yamlio import load_yaml


@pytest.fixture
def framework() -> Framework:
    return load_bundled()


@pytest.fixture
def sample_doc() -> dict[str, Any]:
    """SPEC §4's sample: scores 33, with most judgments still open."""
    doc: dict[str, Any] = load_yaml(SAMPLE_YAML)
    return doc


@pytest.fixture
def level_failing_doc(framework: Framework) -> dict[str, Any]:
    return judged_doc(framework)


@pytest.fixture
def passing_doc(framework: Framework) -> dict[str, Any]:
    """Judged in full, with 5% online employment and two large operators: 94 points, passed."""
    doc = judged_doc(framework)
    doc["counts"]["online_employment"] = 205000
    doc["large_operators"].append(
        {"name": "另一电子商务有限公司", "year": 2022, "ecommerce_sales": 30000}
    )
    return doc


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """write(doc, name="input.yaml") → the path, as YAML or JSON by the name's extension."""

    def _write(doc: dict[str, Any], name: str = "input.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = to_json(doc) if name.endswith(".json") else to_yaml(doc)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def cli() -> Callable[..., Result]:
    """cli("score", path, input=...) → the typer Result, stdout and stderr kept apart."""
    # A fixed width, whatever terminal (or xdist worker) runs the tests: tables wrap alike.
    runner = CliRunner(env={"COLUMNS": "160"})

    def _run(
        *args: Any, input: str | bytes | None = None, env: dict[str, str] | None = None
    ) -> Result:
        return runner.invoke(app, [str(a) for a in args], input=input, env=env)

    return _run
