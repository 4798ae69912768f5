"""Settings come from the environment only (each case in a fresh interpreter)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

SCRIPT = (
    "import json; from demozone.web import settings as s; "
    "print(json.dumps({'key': s.SECRET_KEY, 'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, "
    "'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']), "
    "'lang': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE}))"
)


def _settings(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DEMOZONE_")}
    clean.update({"DEMOZONE_DATA_DIR": str(tmp_path), **env})
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=clean, capture_output=True, text=True, check=False
    )
    return result


def test_defaults_are_sqlite_in_the_data_dir_chinese_and_shanghai(tmp_path):
    out = json.loads(_settings(tmp_path).stdout)
    assert out["engine"] == "django.db.backends.sqlite3"
    assert out["name"] == str(tmp_path / "demozone.sqlite3")
    assert (out["debug"], out["hosts"]) == (False, ["localhost", "127.0.0.1"])
    assert (out["lang"], out["tz"]) == ("zh-hans", "Asia/Shanghai")


def test_a_generated_secret_key_is_kept_private_and_reused(tmp_path):
    first = json.loads(_settings(tmp_path).stdout)["key"]
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert json.loads(_settings(tmp_path).stdout)["key"] == first and len(first) > 40


def test_a_configured_secret_key_is_used_and_nothing_is_written(tmp_path):
    out = json.loads(_settings(tmp_path, DEMOZONE_SECRET_KEY="from-env").stdout)
    assert out["key"] == "from-env" and not (tmp_path / "secret_key").exists()


def test_a_postgres_url_switches_to_postgresql(tmp_path):
    url = "postgres://demo:pw@127.0.0.1:5432/demozone"
    out = json.loads(_settings(tmp_path, DEMOZONE_DATABASE_URL=url).stdout)
    assert out["engine"] == "django.db.backends.postgresql" and out["name"] == "demozone"


def test_hosts_and_debug_come_from_the_environment(tmp_path):
    out = json.loads(
        _settings(tmp_path, DEMOZONE_ALLOWED_HOSTS="a.gov.cn, b.gov.cn", DEMOZONE_DEBUG="1").stdout
    )
    assert out["hosts"] == ["a.gov.cn", "b.gov.cn"] and out["debug"] is True


def test_a_bad_boolean_is_refused_with_a_chinese_message(tmp_path):
    result = _settings(tmp_path, DEMOZONE_DEBUG="maybe")
    assert result.returncode != 0 and "DEMOZONE_DEBUG 应为 true 或 false" in result.stderr
