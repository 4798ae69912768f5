"""Fixtures and helpers of the evidence tests: a small campaign, its people, a private store."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from demozone.web.campaigns.access import campaign_access
from demozone.web.evidence import storage
from demozone.web.evidence.services import Upload

from .factories import make_campaign, make_user

# With five synthetic departments, indicator n is assigned to departments n, n+1, n+2 (mod 5):
# #36 to 测试单位02 (lead), 03 and 04; 测试单位01 (the office's) and 05 have nothing to do with it.
OWN = "测试单位02"
OTHER = "测试单位05"


@pytest.fixture(name="store")
def store_fixture(settings: Any, tmp_path: Path) -> Path:
    """A fresh evidence store (and upload temp dir) per test, so "nothing on disk" is exact."""
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    return tmp_path


@pytest.fixture(name="camp")
def camp_fixture(db: Any) -> Any:
    return make_campaign(departments=5, filled=False, region="测试市")


@pytest.fixture(name="people")
def people_fixture(camp: Any, settings: Any) -> dict[str, Any]:
    # Six users per test: a fast hasher keeps the module quick (no test here is about passwords).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return {
        "office": make_user("office", camp, "office", "测试单位01"),
        "liaison": make_user("liaison", camp, "liaison", OWN),
        "other": make_user("other", camp, "liaison", OTHER),
        "reviewer": make_user("reviewer", camp, "reviewer"),
        "leader": make_user("leader", camp, "leader"),
        "expert": make_user("expert", camp, "expert"),
    }


def files_in(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def access_of(user: Any, campaign: Any) -> Any:
    return campaign_access(user, campaign.pk)


def staged(name: str, data: bytes, limit: int = 50 * 1024 * 1024) -> Upload:
    """An upload as the HTTP handler would leave it (for service-level tests)."""
    staged_file, size = storage.stage([data], limit)
    return Upload(name=name, size=size, staged=staged_file)


def multipart(files: list[tuple[str, bytes]], fields: dict[str, Any]) -> tuple[bytes, str]:
    """A multipart body written by hand: Django's test client strips directories from file
    names, and a hostile client does not."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for key, value in fields.items():
        for v in value if isinstance(value, list) else [value]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{v}\r\n'.encode()
            )
    for name, data in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload_url(campaign: Any) -> str:
    return reverse("evidence_upload", args=[campaign.pk])


def post_files(client: Any, campaign: Any, files: list[tuple[str, bytes]], **fields: Any) -> Any:
    body, content_type = multipart(files, fields)
    return client.generic("POST", upload_url(campaign), body, content_type=content_type)
