"""Changes made by people rather than by the clustering: status hooks and manual links."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Hotspot, HotspotEvent, HotspotMelding
from ..workflow import LEVEND, HotspotEventSoort, InvalidTransition
from .recompute import _status_zetten


@transaction.atomic
def hotspot_transition(*, hotspot: Hotspot, to: str, reden: str = "", as_of: datetime | None = None) -> HotspotEvent:
    """The hook for the actions module: `in_aanpak` when an action opens, `actief` when it closes."""
    hotspot = Hotspot.objects.select_for_update().get(pk=hotspot.pk)
    event = _status_zetten(hotspot, to, as_of=as_of or timezone.now(), reden=reden)
    if event is None:
        raise InvalidTransition(hotspot.status, to)
    hotspot.save(update_fields=["status"])
    return event


class HotspotNietLevend(Exception):
    pass


@transaction.atomic
def hotspot_melding_koppelen(*, hotspot_id: int, melding_id: int, door: str) -> bool:
    """A coordinator links a melding to a living hotspot. The link is marked manual, so the recompute
    keeps it even when the clustering would not put the melding there, and it is written to the
    hotspot's history. Returns False when the melding was already a member.
    """
    hotspot = Hotspot.objects.select_for_update().get(pk=hotspot_id)
    if hotspot.status not in LEVEND:
        raise HotspotNietLevend(f"hotspot {hotspot_id} is {hotspot.status}")
    try:
        with transaction.atomic():
            HotspotMelding.objects.create(hotspot=hotspot, melding_id=melding_id, handmatig=True, gekoppeld_door=door)
    except IntegrityError:
        return False
    Hotspot.objects.filter(pk=hotspot.pk).update(aantal_meldingen=hotspot.aantal_meldingen + 1)
    HotspotEvent.objects.create(
        hotspot=hotspot,
        soort=HotspotEventSoort.MELDING_GEKOPPELD,
        reden=f"melding {melding_id} gekoppeld door {door}"[:200],
        as_of=timezone.now(),
    )
    return True
