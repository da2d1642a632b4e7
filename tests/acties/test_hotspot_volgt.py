"""Issue 13, "Hotspot follows": a hotspot is in aanpak while an action on it is open, the recompute does
not end or cool it meanwhile, merges move open actions to the survivor with a history row, and after
the last action closes the clustering's verdict applies again."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from acties.models import ActieEvent
from acties.services import actie_transition, actie_voorstellen
from hotspots.models import Hotspot
from hotspots.services import hotspot_recompute
from hotspots.workflow import HotspotStatus
from outbox.models import Event
from outbox.services import events_dispatch
from tests.hotspots.conftest import AS_OF, BIJLMERPLEIN, plant, verschoven

pytestmark = pytest.mark.django_db

WEST = BIJLMERPLEIN
OOST = verschoven(BIJLMERPLEIN, 0, 300)
MIDDEN = verschoven(BIJLMERPLEIN, 0, 150)


def _hotspot_bij(latlon) -> Hotspot:
    plant(latlon, n=12, seed=7)
    hotspot_recompute(as_of=AS_OF)
    return Hotspot.objects.get(status__in=["opkomend", "actief"])


def _annuleren(actie, coordinator):
    actie_transition(actie=actie, naar="geannuleerd", actor=coordinator, reden="niet meer nodig")


def test_hotspot_is_in_aanpak_zolang_een_actie_open_is(coordinator, typen):
    hotspot = _hotspot_bij(WEST)
    eerste = actie_voorstellen(type=typen["buurtschouw"], door=coordinator, hotspot=hotspot)
    tweede = actie_voorstellen(type=typen["extra_toezicht"], door=coordinator, hotspot=hotspot)
    hotspot.refresh_from_db()
    assert (hotspot.status, hotspot.aanpak_open) == (HotspotStatus.IN_AANPAK, True)

    _annuleren(eerste, coordinator)
    hotspot.refresh_from_db()
    assert hotspot.status == HotspotStatus.IN_AANPAK  # the second is still open

    _annuleren(tweede, coordinator)
    hotspot.refresh_from_db()
    assert (hotspot.status, hotspot.aanpak_open) == (HotspotStatus.ACTIEF, False)


def test_recompute_beeindigt_geen_hotspot_met_open_actie(coordinator, typen):
    hotspot = _hotspot_bij(WEST)
    actie = actie_voorstellen(type=typen["buurtschouw"], door=coordinator, hotspot=hotspot)
    # Months later every report has left the window: without the action it would be resolved.
    later = AS_OF + timedelta(days=200)
    hotspot_recompute(as_of=later)
    hotspot.refresh_from_db()
    assert hotspot.status == HotspotStatus.IN_AANPAK

    # After the last action closes the clustering's verdict applies again, at the next recompute.
    _annuleren(actie, coordinator)
    hotspot_recompute(as_of=later + timedelta(minutes=15))
    hotspot.refresh_from_db()
    assert hotspot.status == HotspotStatus.OPGELOST
    assert not hotspot.aanpak_open


def test_samenvoegen_verplaatst_open_acties_met_historie(coordinator, typen, org, partners):
    # given two hotspots 300 m apart, the eastern (smaller) one with an open and a closed action
    plant(WEST, n=12, seed=1)
    plant(OOST, n=8, dagen=8, seed=2)
    hotspot_recompute(as_of=AS_OF)
    west, oost = sorted(Hotspot.objects.filter(status__in=["opkomend", "actief"]), key=lambda h: h.polygon.centroid.x)
    open_actie = actie_voorstellen(type=typen["extra_toezicht"], door=coordinator, hotspot=oost)
    actie_transition(actie=open_actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["politie"])
    gesloten = actie_voorstellen(type=typen["buurtschouw"], door=coordinator, hotspot=oost)
    _annuleren(gesloten, coordinator)

    # when reports in between join them and the merge's event is handled
    plant(MIDDEN, n=8, dagen=8, straal=20, seed=3)
    hotspot_recompute(as_of=AS_OF)
    oost.refresh_from_db()
    assert oost.samengevoegd_in_id == west.pk
    west.refresh_from_db()
    assert west.status == HotspotStatus.IN_AANPAK  # at once, before the handler ran
    assert Event.objects.filter(type="hotspot.samengevoegd", object_id=oost.pk).exists()
    events_dispatch()
    events_dispatch()  # a second delivery changes nothing

    # then the open action is on the survivor, with one history row saying why; the closed one stays
    open_actie.refresh_from_db()
    gesloten.refresh_from_db()
    assert open_actie.hotspot_id == west.pk
    assert gesloten.hotspot_id == oost.pk
    verplaatst = ActieEvent.objects.filter(actie=open_actie, van="toegewezen", naar="toegewezen")
    assert [e.reden for e in verplaatst] == [f"Hotspot {oost.pk} is samengevoegd in hotspot {west.pk}."]
    west.refresh_from_db()
    assert (west.status, west.aanpak_open) == (HotspotStatus.IN_AANPAK, True)
    assert not Hotspot.objects.get(pk=oost.pk).aanpak_open

    # and closing the moved action releases the survivor
    _annuleren(open_actie, coordinator)
    west.refresh_from_db()
    assert (west.status, west.aanpak_open) == (HotspotStatus.ACTIEF, False)


def test_voorstel_op_samengevoegde_hotspot_gaat_naar_de_opvolger(coordinator, typen):
    plant(WEST, n=12, seed=1)
    plant(OOST, n=8, dagen=8, seed=2)
    hotspot_recompute(as_of=AS_OF)
    west, oost = sorted(Hotspot.objects.filter(status__in=["opkomend", "actief"]), key=lambda h: h.polygon.centroid.x)
    plant(MIDDEN, n=8, dagen=8, straal=20, seed=3)
    hotspot_recompute(as_of=AS_OF)
    # A coordinator's form still showed the merged hotspot:
    actie = actie_voorstellen(type=typen["buurtschouw"], door=coordinator, hotspot=oost)
    assert actie.hotspot_id == west.pk


def test_geen_actie_op_een_opgeloste_hotspot(coordinator, typen):
    hotspot = _hotspot_bij(WEST)
    hotspot_recompute(as_of=AS_OF + timedelta(days=200))
    hotspot.refresh_from_db()
    assert hotspot.status == HotspotStatus.OPGELOST
    with pytest.raises(ValidationError) as fout:
        actie_voorstellen(type=typen["buurtschouw"], door=coordinator, hotspot=hotspot)
    assert "hotspot" in fout.value.message_dict
