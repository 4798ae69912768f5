"""The `demozone` command as a whole: help, version, unknown commands."""

from __future__ import annotations

from demozone import __version__


def test_help_lists_every_command_in_chinese(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for command in ("validate", "score", "template", "framework"):
        assert command in result.stdout
    assert "校验评估数据文件" in result.stdout


def test_version_prints_the_package_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"demozone {__version__}"


def test_an_unknown_command_is_a_usage_error(cli):
    result = cli("bogus")
    assert result.exit_code == 2
    assert "bogus" in result.output
