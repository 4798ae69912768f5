"""Keep ``Campaign.revision`` honest: anything shown on a campaign's pages bumps it when changed.

Data writes bump it in the services; these receivers cover the structure edited elsewhere (the
admin, later the office's own pages): departments, assignments and the region's zone.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from demozone.web.campaigns.models import Assignment, Campaign, Department, Region


@receiver([post_save, post_delete], sender=Department)
@receiver([post_save, post_delete], sender=Assignment)
def _structure_changed(sender: Any, instance: Department | Assignment, **kwargs: Any) -> None:
    Campaign.objects.filter(pk=instance.campaign_id).update(revision=F("revision") + 1)


@receiver(post_save, sender=Region)
def _region_changed(sender: Any, instance: Region, created: bool, **kwargs: Any) -> None:
    if not created:
        Campaign.objects.filter(region=instance).update(revision=F("revision") + 1)
