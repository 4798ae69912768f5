"""The process the fault test kills: a real upload through the platform's own request handling,
stopped at a named point of the no-half-write protocol.

Run as ``python evidence_fault_worker.py setup`` (a campaign and a liaison in the data dir of
the environment) or ``python evidence_fault_worker.py upload POINT MARKER``: the upload blocks at
POINT (see ``demozone.web.evidence.faults``) after writing MARKER, until it is killed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demozone.web.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from demozone.web.evidence import faults  # noqa: E402

LIAISON = "fault-liaison"


def setup() -> None:
    from web.factories import make_campaign, make_user  # noqa: PLC0415

    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")  # as `bootstrap` leaves a production database
    campaign = make_campaign(departments=5, filled=False, region="故障市")
    make_user(LIAISON, campaign, "liaison", "测试单位02")
    print(json.dumps({"campaign": campaign.pk}))


def upload(point: str, marker: str, campaign_id: int, content: bytes) -> None:
    def stop_here() -> None:
        Path(marker).write_text(point, encoding="utf-8")
        time.sleep(3600)  # until the test's SIGKILL

    faults.install(point, stop_here)
    from django.contrib.auth import get_user_model  # noqa: PLC0415

    client = Client()
    client.force_login(get_user_model().objects.get(username=LIAISON))
    response = client.post(
        f"/campaigns/{campaign_id}/evidence/upload/",
        {"files": SimpleUploadedFile("故障测试.pdf", content), "items": "36.2", "title": "故障"},
    )
    # Reached only if the point was never hit: tell the test what happened instead.
    print(f"upload finished with {response.status_code} without stopping", file=sys.stderr)
    sys.exit(3)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "setup":
        setup()
    else:
        upload(sys.argv[2], sys.argv[3], int(sys.argv[4]), Path(sys.argv[5]).read_bytes())
