"""Changes made by people rather than by the clustering: status hooks and manual links."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Hotspot, HotspotEvent, HotspotMelding
from ..workflow import LEVEND, HotspotEventSoort, HotspotStatus, InvalidTransition
from .incrementeel import recompute_vervroegen
from .recompute import _status_zetten


@transaction.atomic
def hotspot_transition(*, hotspot: Hotspot, to: str, reden: str = "", as_of: datetime | None = None) -> HotspotEvent:
    """A status change by hand (the admin's and the tests' way): `in_aanpak` holds the hotspot against
    the recompute like an open action does, any other status releases it."""
    hotspot = Hotspot.objects.select_for_update().get(pk=hotspot.pk)
    event = _status_zetten(hotspot, to, as_of=as_of or timezone.now(), reden=reden)
    if event is None:
        raise InvalidTransition(hotspot.status, to)
    hotspot.aanpak_open = to == HotspotStatus.IN_AANPAK
    hotspot.save(update_fields=["status", "aanpak_open"])
    return event


def hotspot_vergrendelen(*, hotspot_id: int) -> Hotspot:
    """Locks the hotspot row for the caller's transaction: acties counts its open actions on the
    hotspot under this lock, so two actions closing at once cannot both leave it in aanpak."""
    return Hotspot.objects.select_for_update().get(pk=hotspot_id)


@transaction.atomic
def hotspot_aanpak_openen(*, hotspot_id: int, reden: str) -> Hotspot:
    """An action on the hotspot opens: it is `in_aanpak` from now, and the recompute keeps it so until
    hotspot_aanpak_sluiten. Returns the hotspot that carries the action: the given one, or the living
    one it was merged into meanwhile (a proposal racing a recompute). Raises HotspotNietLevend for a
    hotspot that ended without a successor."""
    hotspot = hotspot_vergrendelen(hotspot_id=hotspot_id)
    gezien = {hotspot.pk}
    while hotspot.status == HotspotStatus.OPGELOST:
        opvolger = hotspot.samengevoegd_in_id
        if opvolger is None or opvolger in gezien:
            break
        hotspot = hotspot_vergrendelen(hotspot_id=opvolger)
        gezien.add(opvolger)
    if hotspot.status not in LEVEND:
        raise HotspotNietLevend(f"hotspot {hotspot_id} is {hotspot.status}")
    if not hotspot.aanpak_open or hotspot.status != HotspotStatus.IN_AANPAK:
        hotspot.aanpak_open = True
        _status_zetten(hotspot, HotspotStatus.IN_AANPAK, as_of=timezone.now(), reden=reden[:200])
        hotspot.save(update_fields=["status", "aanpak_open"])
    return hotspot


@transaction.atomic
def hotspot_aanpak_sluiten(*, hotspot_id: int, reden: str) -> None:
    """The last open action on the hotspot closed: back to `actief`, and an early recompute applies the
    clustering's verdict again (cooling down, resolved) within a minute instead of at the next beat."""
    hotspot = hotspot_vergrendelen(hotspot_id=hotspot_id)
    if not hotspot.aanpak_open:
        return
    hotspot.aanpak_open = False
    if hotspot.status == HotspotStatus.IN_AANPAK:
        _status_zetten(hotspot, HotspotStatus.ACTIEF, as_of=timezone.now(), reden=reden[:200])
        transaction.on_commit(recompute_vervroegen)
    hotspot.save(update_fields=["status", "aanpak_open"])


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
