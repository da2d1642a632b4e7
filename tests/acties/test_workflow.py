"""Every pair of statuses, for a four-eyes type and another, against the issue's table (written out
here, not read from acties.workflow, so a wrong table in the code fails)."""

import pytest

from acties.models import ActieEvent
from acties.services import actie_transition
from acties.workflow import ActieStatus, InvalidTransition

pytestmark = pytest.mark.django_db

ALLE = "alle"
VIER_OGEN = "vier_ogen"
ANDERE = "andere"

# Issue 13, "Workflow": from → {to: for which types}.
TABEL = {
    "voorgesteld": {"wacht_op_akkoord": VIER_OGEN, "toegewezen": ANDERE, "geannuleerd": ALLE},
    "wacht_op_akkoord": {"goedgekeurd": ALLE, "voorgesteld": ALLE, "geannuleerd": ALLE},
    "goedgekeurd": {"toegewezen": ALLE, "geannuleerd": ALLE},
    "toegewezen": {"geaccepteerd": ALLE, "geweigerd": ALLE, "geannuleerd": ALLE},
    "geweigerd": {"toegewezen": ALLE, "geannuleerd": ALLE},
    "geaccepteerd": {"in_uitvoering": ALLE, "geannuleerd": ALLE},
    "in_uitvoering": {"afgerond": ALLE, "geannuleerd": ALLE},
    "afgerond": {},
    "geannuleerd": {},
}
STATUSSEN = list(TABEL)
# The type of each kind: sluiting_13b needs four eyes, extra_toezicht does not; both can go to the police.
TYPE = {True: "sluiting_13b", False: "extra_toezicht"}

PAD_VIER_OGEN = ["wacht_op_akkoord", "goedgekeurd", "toegewezen", "geaccepteerd", "in_uitvoering", "afgerond"]
PAD_ANDERE = ["toegewezen", "geaccepteerd", "in_uitvoering", "afgerond"]


def toegestaan(van: str, naar: str, vier_ogen: bool) -> bool:
    voor = TABEL[van].get(naar)
    return voor == ALLE or voor == (VIER_OGEN if vier_ogen else ANDERE)


@pytest.fixture
def stap(coordinator, approver, partners, org):
    def zet(actie, naar: str):
        if naar in {"geaccepteerd", "geweigerd", "in_uitvoering", "afgerond"}:
            actor = partners["politie"]  # the responsible organisation in these tests
        elif naar == "goedgekeurd":
            actor = approver
        else:
            actor = coordinator
        return actie_transition(
            actie=actie,
            naar=naar,
            actor=actor,
            reden="omdat het moet",
            verantwoordelijke=org["politie"] if naar == "toegewezen" else None,
            uitkomst="uitgevoerd" if naar == "afgerond" else "",
        )

    return zet


@pytest.fixture
def in_status(voorstel, stap):
    """An action of the kind, brought to `status` along the workflow's own paths."""

    def maak(status: str, vier_ogen: bool):
        actie = voorstel(TYPE[vier_ogen])
        pad = PAD_VIER_OGEN if vier_ogen else PAD_ANDERE
        if status == "geannuleerd":
            stap(actie, "geannuleerd")
        elif status == "geweigerd":
            for s in [*pad[: pad.index("toegewezen") + 1], "geweigerd"]:
                stap(actie, s)
        elif status != "voorgesteld":
            for s in pad[: pad.index(status) + 1]:
                stap(actie, s)
        actie.refresh_from_db()
        assert actie.status == status
        return actie

    return maak


def test_de_tabel_kent_alle_statussen():
    assert set(STATUSSEN) == set(ActieStatus.values)


# A type without four eyes never reaches wacht_op_akkoord or goedgekeurd (the first pair is refused).
PAREN = [
    pytest.param(van, naar, vier_ogen, id=f"{van}-{naar}-{'vier-ogen' if vier_ogen else 'andere'}")
    for vier_ogen in (True, False)
    for van in STATUSSEN
    for naar in STATUSSEN
    if vier_ogen or van not in {"wacht_op_akkoord", "goedgekeurd"}
]


@pytest.mark.parametrize(("van", "naar", "vier_ogen"), PAREN)
def test_elk_paar_van_de_tabel(van, naar, vier_ogen, in_status, stap):
    actie = in_status(van, vier_ogen)
    events = ActieEvent.objects.filter(actie=actie).count()
    if toegestaan(van, naar, vier_ogen):
        historie = stap(actie, naar)
        actie.refresh_from_db()
        assert actie.status == naar
        assert (historie.van, historie.naar) == (van, naar)
    else:
        with pytest.raises(InvalidTransition):
            stap(actie, naar)
        actie.refresh_from_db()
        assert actie.status == van
        assert ActieEvent.objects.filter(actie=actie).count() == events
