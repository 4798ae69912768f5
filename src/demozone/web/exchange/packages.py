"""申报材料包 of a campaign: its documents and accepted evidence, for the streaming writer.

Everything that can fail is done before the first byte is sent — the three documents are made
(or read from where they are kept) and every evidence file is checked to be on disk — because once
a streamed response has started, its status can no longer say that something went wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from demozone.core.errors import Problem
from demozone.reports.context import ReportError
from demozone.reports.package import PackageFile, PackageInfo, stream_package
from demozone.web.audit.services import record
from demozone.web.campaigns.access import Access
from demozone.web.exchange.documents import campaign_documents

DOCUMENT_KINDS = {"docx": "自评报告", "pdf": "自评报告", "xlsx": "评分工作簿"}


class PackageError(ReportError):
    title = "申报材料包无法生成"


@dataclass(frozen=True)
class Package:
    filename: str
    info: PackageInfo
    files: tuple[PackageFile, ...]

    def stream(self) -> Iterator[bytes]:
        return stream_package(self.info, self.files)

    @property
    def evidence_count(self) -> int:
        return sum(1 for f in self.files if f.kind == "佐证材料")


def campaign_package(access: Access) -> Package:
    """The package of the campaign as it is now; ReportError (or PackageError naming each
    missing evidence file) before anything is streamed."""
    access.require("package.download")
    campaign = access.campaign
    found, docs = campaign_documents(campaign, ("docx", "pdf", "xlsx"))
    missing = [e for e in found.evidence if not e.file.is_file()]
    if missing:
        raise PackageError(
            [
                Problem(
                    e.ref.number,
                    f"佐证材料“{e.ref.title}”的文件缺失（SHA-256 {e.ref.sha256[:12]}…）",
                )
                for e in missing
            ]
            + [Problem("", "请系统管理员运行 demozone manage evidence_sweep 检查文件存储")]
        )
    files = [PackageFile(d.filename, d.data, DOCUMENT_KINDS[fmt]) for fmt, d in docs.items()]
    files += [
        PackageFile(
            e.zip_path,
            e.file,
            "佐证材料",
            title=e.ref.title,
            number=e.ref.number,
            items=e.ref.item_ids,
            original_name=e.original_name,
            expected_sha256=e.ref.sha256,
        )
        for e in found.evidence
    ]
    now = timezone.now()
    region = campaign.region.name
    info = PackageInfo(
        title=f"{region}创建全国网络市场监管与服务示范区申报材料",
        region=region,
        created=now,
        extra={
            "campaign": {"id": campaign.pk, "name": campaign.name, "revision": campaign.revision},
            "years": list(campaign.years),
            "framework": {
                "id": campaign.core_framework.id,
                "version": campaign.core_framework.version,
                "sha256": campaign.framework.sha256,
            },
        },
    )
    with transaction.atomic():
        record(
            action="package.download",
            actor=access.user,
            campaign=campaign,
            target=f"campaign:{campaign.pk}",
            after={"revision": campaign.revision, "evidence": len(found.evidence)},
            message=f"下载申报材料包（数据版本 {campaign.revision}，佐证材料 {len(found.evidence)} 份）",
        )
    stamp = timezone.localtime(now)
    return Package(f"{region}申报材料-{stamp:%Y%m%d}.zip", info, tuple(files))
