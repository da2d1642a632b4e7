"""Issue 14's safeguard against malicious reports: an action on a dwelling needs at least two independent
reports, or a staff confirmation recorded with who, when and how, before it is assigned. A burst of
reports from one channel (within the hour after the first of the group) is one report."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from acties.models import ActieBevestiging
from acties.selectors import actie_onderbouwing
from acties.services import actie_bevestigen, actie_transition
from meldingen.selectors import meldingen_bronnen
from privacy.anonymity import truncate_to_hour
from tests.factories import MeldingFactory

pytestmark = pytest.mark.django_db


def _uur(n: int):
    from django.utils import timezone

    return truncate_to_hour(timezone.now()) - timedelta(hours=n)


def _bronnen(*meldingen) -> int:
    return len(meldingen_bronnen(ids=[m.pk for m in meldingen]))


def test_een_burst_uit_een_kanaal_is_een_bron():
    burst = [MeldingFactory(kanaal="sms", ontvangen_op=_uur(5)) for _i in range(6)]
    assert _bronnen(*burst) == 1
    # 10:58 and 11:02 fall in adjacent hours: still one burst
    assert (
        _bronnen(MeldingFactory(kanaal="web", ontvangen_op=_uur(3)), MeldingFactory(kanaal="web", ontvangen_op=_uur(2)))
        == 1
    )


def test_ander_kanaal_of_later_is_onafhankelijk():
    assert (
        _bronnen(MeldingFactory(kanaal="web", ontvangen_op=_uur(5)), MeldingFactory(kanaal="sms", ontvangen_op=_uur(5)))
        == 2
    )
    assert (
        _bronnen(MeldingFactory(kanaal="web", ontvangen_op=_uur(9)), MeldingFactory(kanaal="web", ontvangen_op=_uur(5)))
        == 2
    )
    # a steady stream, one an hour, is not one endless burst: each group spans at most two hours
    stroom = [MeldingFactory(kanaal="sms", ontvangen_op=_uur(20 - i)) for i in range(4)]
    assert _bronnen(*stroom) == 2


def test_afgewezen_en_dubbele_meldingen_tellen_niet():
    origineel = MeldingFactory(kanaal="web", ontvangen_op=_uur(8))
    spam = MeldingFactory(kanaal="sms", ontvangen_op=_uur(3), status="afgewezen", afwijs_reden="spam")
    dubbel = MeldingFactory(
        kanaal="sms", ontvangen_op=_uur(1), status="afgewezen", afwijs_reden="dubbel", duplicaat_van=origineel
    )
    assert _bronnen(origineel, spam, dubbel) == 1


def _woningactie(voorstel, meldingen):
    return voorstel("sluiting_13b", meldingen=meldingen)


def test_woning_met_een_bron_wordt_niet_toegewezen(voorstel, coordinator, approver, org):
    burst = [MeldingFactory(locatie_type_id="woning", kanaal="sms", ontvangen_op=_uur(2)) for _i in range(5)]
    actie = _woningactie(voorstel, burst)
    actie_transition(actie=actie, naar="wacht_op_akkoord", actor=coordinator)
    actie_transition(actie=actie, naar="goedgekeurd", actor=approver)
    with pytest.raises(ValidationError) as fout:
        actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["politie"])
    assert "onderbouwing" in fout.value.message_dict
    actie.refresh_from_db()
    assert actie.status == "goedgekeurd"
    assert actie_onderbouwing(actie).bronnen == 1

    # a staff member's confirmation (who, when, how) is the other way
    bevestiging = actie_bevestigen(
        actie=actie, door=coordinator, wijze="partner", toelichting="Wijkagent zag de handel op 3 december."
    )
    assert (bevestiging.door_naam, bevestiging.wijze) == (coordinator.username, "partner")
    assert bevestiging.tijdstip is not None
    actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["politie"])
    actie.refresh_from_db()
    assert actie.status == "toegewezen"


def test_twee_onafhankelijke_meldingen_volstaan(voorstel, coordinator, approver, org):
    meldingen = [
        MeldingFactory(locatie_type_id="woning", kanaal="web", ontvangen_op=_uur(30)),
        MeldingFactory(locatie_type_id="woning", kanaal="web", ontvangen_op=_uur(4)),
    ]
    actie = _woningactie(voorstel, meldingen)
    for naar, actor in (("wacht_op_akkoord", coordinator), ("goedgekeurd", approver)):
        actie_transition(actie=actie, naar=naar, actor=actor)
    actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["politie"])
    assert actie_onderbouwing(actie).bronnen == 2


def test_geen_woning_geen_drempel(voorstel, coordinator, org):
    actie = voorstel("extra_toezicht", meldingen=[MeldingFactory()])
    actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["politie"])


def test_bevestiging_vraagt_hoe_en_wat_en_een_coordinatierol(voorstel, coordinator, partners):
    actie = _woningactie(voorstel, [MeldingFactory(locatie_type_id="woning")])
    with pytest.raises(ValidationError):
        actie_bevestigen(actie=actie, door=coordinator, wijze="", toelichting="x")
    with pytest.raises(ValidationError):
        actie_bevestigen(actie=actie, door=coordinator, wijze="ter_plaatse", toelichting="  ")
    with pytest.raises(PermissionDenied):
        actie_bevestigen(actie=actie, door=partners["politie"], wijze="ter_plaatse", toelichting="x")
    assert not ActieBevestiging.objects.exists()
