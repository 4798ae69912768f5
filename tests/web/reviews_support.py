"""Shared set-up for the review-round tests: a campaign, its people and a round at any step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from demozone.core.items import judged_specs, takes_score
from demozone.core.numbers import plain
from demozone.web.campaigns.access import campaign_access
from demozone.web.campaigns.models import Campaign
from demozone.web.reviews import services
from demozone.web.reviews.models import Round, Snapshot, Stage

from .factories import make_campaign, make_user


@dataclass
class People:
    campaign: Campaign
    office: Any
    reviewer: Any
    experts: list[Any]
    liaison: Any
    leader: Any

    def access(self, user: Any) -> Any:
        return campaign_access(user, self.campaign.pk)


def people(experts: int = 3, *, departments: int | None = 3) -> People:
    campaign = make_campaign(departments=departments, filled=True)
    dept = campaign.departments.first()
    return People(
        campaign=campaign,
        office=make_user("office", campaign, "office"),
        reviewer=make_user("reviewer", campaign, "reviewer"),
        experts=[make_user(f"expert{i + 1}", campaign, "expert") for i in range(experts)],
        liaison=make_user("liaison", campaign, "liaison", dept),
        leader=make_user("leader", campaign, "leader"),
    )


def submitted_self(p: People) -> Snapshot:
    round_ = services.open_self_round(p.access(p.office))
    return services.submit_self_round(p.access(p.office), round_.pk)


def provincial(p: People, *, lead: int = 0, **settings: Any) -> Round:
    """A 省局初审 on a fresh 自评 submission, with every expert on the panel."""
    snap = submitted_self(p)
    round_ = services.open_review_round(
        p.access(p.reviewer),
        Stage.PROVINCIAL,
        snap.pk,
        services.RoundSettings(**settings),
    )
    seats = [services.PanelSeat(e.pk, is_lead=i == lead) for i, e in enumerate(p.experts)]
    services.set_panel(p.access(p.reviewer), round_.pk, seats)
    return round_


def full_marks(campaign: Campaign) -> dict[str, str]:
    """Every judged item at met / full points, as an expert's form would send it."""
    specs = judged_specs(campaign.core_framework, campaign.years)
    return {item: plain(s.max) if takes_score(s) else "met" for item, s in specs.items()}


def judge(
    p: People,
    round_: Round,
    expert: Any,
    changes: dict[str, str] | None = None,
    submit: bool = True,
) -> None:
    values = full_marks(p.campaign) | (changes or {})
    votes = [services.Vote(item, value, f"{item} 评审意见") for item, value in values.items()]
    services.save_votes(p.access(expert), round_.pk, votes)
    if submit:
        services.submit_votes(p.access(expert), round_.pk)
