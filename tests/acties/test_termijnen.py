"""Issue 14, service levels, with a frozen clock: the sweep reminds the responsible organisation before a
deadline, escalates once it has passed, writes each signal once (and once per new deadline after a
reassignment), records each as an outbox event, and the lists mark overdue actions."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from acties.models import ActieSignaal
from acties.selectors import acties_te_laat
from acties.services import actie_transition, acties_termijnen_bewaken
from outbox.models import Event

pytestmark = pytest.mark.django_db


def _soorten(actie) -> list[str]:
    return list(ActieSignaal.objects.filter(actie=actie).order_by("id").values_list("soort", flat=True))


def test_herinnering_dan_escalatie_voor_accepteren_en_afronden(voorstel, coordinator, partners, org):
    with time_machine.travel(timezone.now(), tick=False) as klok:
        actie = voorstel("extra_toezicht")  # 3 days to accept, 30 to complete
        actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["politie"])
        actie.refresh_from_db()
        assert acties_termijnen_bewaken() == 0  # nothing due yet

        klok.move_to(actie.deadline_accepteren - timedelta(hours=12))
        assert acties_termijnen_bewaken() == 1
        assert acties_termijnen_bewaken() == 0  # once only
        assert _soorten(actie) == ["herinnering_accepteren"]
        event = Event.objects.get(type="actie.herinnering")
        assert (event.object_id, event.data["soort"], event.data["organisatie"]) == (
            actie.pk,
            "herinnering_accepteren",
            "politie",
        )

        klok.move_to(actie.deadline_accepteren + timedelta(minutes=1))
        assert acties_termijnen_bewaken() == 1
        assert _soorten(actie)[-1] == "escalatie_accepteren"
        assert Event.objects.filter(type="actie.escalatie", object_id=actie.pk).count() == 1
        assert list(acties_te_laat()) == [actie]

        # accepted late: no longer overdue for acceptance; completion has its own signals
        actie_transition(actie=actie, naar="geaccepteerd", actor=partners["politie"])
        assert list(acties_te_laat()) == []
        klok.move_to(actie.deadline_afronden - timedelta(hours=2))
        assert acties_termijnen_bewaken() == 1
        klok.move_to(actie.deadline_afronden + timedelta(hours=1))
        assert acties_termijnen_bewaken() == 1
        assert _soorten(actie)[-2:] == ["herinnering_afronden", "escalatie_afronden"]
        assert list(acties_te_laat()) == [actie]
        assert acties_termijnen_bewaken() == 0


def test_hertoewijzing_geeft_nieuwe_termijnen_en_signalen(voorstel, coordinator, partners, org):
    with time_machine.travel(timezone.now(), tick=False) as klok:
        actie = voorstel("extra_toezicht")
        actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["politie"])
        actie.refresh_from_db()
        klok.move_to(actie.deadline_accepteren + timedelta(hours=1))
        acties_termijnen_bewaken()
        actie_transition(actie=actie, naar="geweigerd", actor=partners["politie"], reden="Geen mensen")
        actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["handhaving"])
        actie.refresh_from_db()
        klok.move_to(actie.deadline_accepteren + timedelta(hours=1))
        assert acties_termijnen_bewaken() == 1
        nieuw = ActieSignaal.objects.filter(actie=actie).order_by("id").last()
        assert (nieuw.soort, nieuw.organisatie_id) == ("escalatie_accepteren", "handhaving")


def test_gesloten_acties_krijgen_niets(voorstel, coordinator, org):
    with time_machine.travel(timezone.now(), tick=False) as klok:
        actie = voorstel("extra_toezicht")
        actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["politie"])
        actie_transition(actie=actie, naar="geannuleerd", actor=coordinator, reden="Niet meer nodig")
        klok.move_to(timezone.now() + timedelta(days=60))
        assert acties_termijnen_bewaken() == 0
        assert list(acties_te_laat()) == []
