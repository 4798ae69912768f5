"""`demozone manage verify_snapshot ID …`: re-check sealed snapshots from their stored text alone."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demozone.web.audit.models import AuditEvent
from demozone.web.campaigns.models import Campaign
from demozone.web.reviews import snapshots
from demozone.web.reviews.models import Snapshot

# Exit codes: 0 every snapshot verifies, 1 one does not, 2 nothing to verify as asked.
FAILED = 1
UNKNOWN = 2
# The audit actions that seal a snapshot; each records its version and seal.
SEALING = ("round.submit", "round.approve", "round.return")


def ledger_problems(events: Any, seals: dict[int, str]) -> list[str]:
    """What the audit trail says was sealed and the table no longer holds as it was: a deleted
    snapshot, or one whose document and seal were both rewritten."""
    problems = []
    for event in events:
        kind, _, raw = event.target.partition(":")
        if kind != "snapshot" or not raw.isdigit():
            continue
        after = event.after or {}
        what = f"快照 v{after.get('version', '?')}（编号 {raw}）"
        recorded = after.get("seal")
        if int(raw) not in seals:
            problems.append(f"审计记录第 {event.sequence} 条所记的{what}已不存在")
        elif recorded and recorded != seals[int(raw)]:
            problems.append(
                f"{what}的封存摘要 {seals[int(raw)]} 与审计记录第 {event.sequence} 条所记的 {recorded} 不同"
            )
    return problems


class Command(BaseCommand):
    help = (
        "核验封存快照：按存储的快照内容重新计算封存摘要（SHA-256），并用快照所载的指标体系重新评分、"
        "与快照中的评分表逐项比对。全部通过时退出码为 0，有快照未通过为 1，快照或创建活动不存在为 2"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ids", nargs="*", type=int, metavar="ID", help="快照编号，可写多个")
        parser.add_argument("--all", action="store_true", help="核验全部创建活动的全部快照")
        parser.add_argument("--campaign", type=int, metavar="ID", help="核验该创建活动的全部快照")

    def handle(self, *args: Any, **options: Any) -> None:
        ids: list[int] = options["ids"]
        campaign_id: int | None = options["campaign"]
        if not ids and not options["all"] and campaign_id is None:
            raise CommandError(
                "请指定要核验的快照编号，或用 --campaign 核验一个创建活动、--all 核验全部快照",
                returncode=UNKNOWN,
            )
        wanted = Snapshot.objects.select_related("campaign").order_by("campaign_id", "version")
        events = AuditEvent.objects.filter(action__in=SEALING).order_by("sequence")
        if ids:
            found = set(wanted.filter(pk__in=ids).values_list("pk", flat=True))
            missing = [str(i) for i in dict.fromkeys(ids) if i not in found]
            if missing:
                raise CommandError(f"快照不存在：编号 {'、'.join(missing)}", returncode=UNKNOWN)
            wanted = wanted.filter(pk__in=ids)
            events = events.filter(target__in=[f"snapshot:{i}" for i in ids])
        elif campaign_id is not None:
            if not Campaign.objects.filter(pk=campaign_id).exists():
                raise CommandError(f"创建活动不存在：编号 {campaign_id}", returncode=UNKNOWN)
            wanted = wanted.filter(campaign_id=campaign_id)
            events = events.filter(campaign_id=campaign_id)
        checked = failed = 0
        # One snapshot's document at a time: a campaign's history may hold many large ones.
        for snapshot in wanted.iterator(chunk_size=10):
            checked += 1
            result = snapshots.verify(snapshot)
            campaign = snapshot.campaign
            head = (
                f"快照 v{snapshot.version}（编号 {snapshot.pk}，创建活动「{campaign.name}」"
                f"编号 {campaign.pk}）封存摘要 {snapshot.seal}"
            )
            if result.ok:
                self.stdout.write(f"{head}：核验通过")
                continue
            failed += 1
            self.stdout.write(f"{head}：核验未通过，发现 {len(result.problems)} 处问题")
            for problem in result.problems:
                self.stdout.write(f"  - {problem}")
        ledger = ledger_problems(events, dict(wanted.values_list("pk", "seal")))
        if ledger:
            self.stdout.write(f"与审计记录核对：发现 {len(ledger)} 处问题")
            for problem in ledger:
                self.stdout.write(f"  - {problem}")
        if failed or ledger:
            parts = [f"{failed} 个快照有问题"] if failed else []
            parts += [f"{len(ledger)} 处与审计记录不符"] if ledger else []
            raise CommandError(
                f"快照核验未通过：{'，'.join(parts)}（共核验 {checked} 个）", returncode=FAILED
            )
        if checked == 0:
            self.stdout.write("没有需要核验的快照")
        elif checked > 1:
            self.stdout.write(f"全部 {checked} 个快照核验通过")
