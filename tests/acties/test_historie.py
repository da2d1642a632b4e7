"""The action's history and the covenant's field audit are append-only, the outbox gets the events in
the same transaction, and the seed data and the admin are as DOMAIN.md says."""

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.test import Client

from accounts.models import Organisatie
from acties.events import ACTIE_STATUS_GEWIJZIGD, ACTIE_VOORGESTELD
from acties.models import ActieEvent, ActieType, Convenant, ConvenantVeldenWijziging
from acties.services import actie_transition, convenant_velden_wijzigen
from outbox.models import Event

pytestmark = pytest.mark.django_db


def test_actiegeschiedenis_is_alleen_toevoegen(voorstel):
    actie = voorstel("buurtschouw")
    historie = ActieEvent.objects.get(actie=actie)
    assert (historie.van, historie.naar) == ("", "voorgesteld")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ActieEvent.objects.filter(pk=historie.pk).update(reden="achteraf")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ActieEvent.objects.filter(pk=historie.pk).delete()
    assert ActieEvent.objects.get(pk=historie.pk).reden == ""


def test_verruimen_van_de_velden_wordt_vastgelegd(coordinator):
    zoeklicht = Convenant.objects.get(code="zoeklicht")
    voor = sorted(zoeklicht.zichtbare_velden)
    assert "gebied" not in voor
    wijziging = convenant_velden_wijzigen(convenant=zoeklicht, velden=[*voor, "gebied"], door=coordinator)
    assert (wijziging.voor, wijziging.na, wijziging.door_naam) == (voor, sorted([*voor, "gebied"]), "coord")
    assert wijziging.verruimd == ["gebied"]
    assert convenant_velden_wijzigen(convenant=zoeklicht, velden=[*voor, "gebied"], door=coordinator) is None
    assert ConvenantVeldenWijziging.objects.filter(convenant=zoeklicht).count() == 1
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ConvenantVeldenWijziging.objects.filter(pk=wijziging.pk).update(na=voor)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ConvenantVeldenWijziging.objects.filter(pk=wijziging.pk).delete()


@pytest.mark.parametrize("veld", ["omschrijving", "meldcode", "fotos", "interne_notitie"])
def test_verboden_velden_hebben_geen_code(veld):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        convenant_velden_wijzigen(convenant=Convenant.objects.get(code="doorzon"), velden=[veld], door=None)


def test_outbox_krijgt_voorstel_en_statuswijziging(voorstel, coordinator, org):
    actie = voorstel("extra_toezicht")
    voorgesteld = Event.objects.get(type=ACTIE_VOORGESTELD, object_id=actie.pk)
    assert voorgesteld.data == {
        "type": "extra_toezicht",
        "actie_event_id": ActieEvent.objects.get(actie=actie).pk,
    }
    historie = actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["politie"])
    gewijzigd = Event.objects.get(type=ACTIE_STATUS_GEWIJZIGD, object_id=actie.pk)
    assert gewijzigd.data == {
        "van": "voorgesteld",
        "naar": "toegewezen",
        "actie_event_id": historie.pk,
        "organisatie": "politie",
    }


def test_een_geweigerde_overgang_laat_geen_event_achter(voorstel, coordinator, org):
    from django.core.exceptions import ValidationError

    actie = voorstel("box_controle")
    with pytest.raises(ValidationError):
        actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["saoa"])
    assert not Event.objects.filter(type=ACTIE_STATUS_GEWIJZIGD).exists()
    assert ActieEvent.objects.filter(actie=actie).count() == 1


def test_seed_volgt_domain():
    typen = {t.code: t for t in ActieType.objects.all()}
    assert set(typen) == {
        "buurtschouw",
        "extra_toezicht",
        "cameratoezicht",
        "fysieke_aanpassing",
        "straatcoaches",
        "box_controle",
        "adresonderzoek",
        "huurmaatregel",
        "sluiting_13b",
    }
    assert {c for c, t in typen.items() if t.vier_ogen} == {"cameratoezicht", "sluiting_13b"}
    assert {c for c, t in typen.items() if t.richt_zich_op_woning} == {
        "adresonderzoek",
        "huurmaatregel",
        "sluiting_13b",
    }
    assert {c: t.convenant_id for c, t in typen.items() if t.convenant_id} == {
        "box_controle": "doorzon",
        "adresonderzoek": "zoeklicht",
        "huurmaatregel": "doorzon",
        "sluiting_13b": "doorzon",
    }
    assert Convenant.objects.get(code="zoeklicht").melder_informatie == "alleen_status"
    assert Convenant.objects.get(code="doorzon").melder_informatie == "volledig"
    assert "sluiting_13b" in Organisatie.objects.get(code="politie").werkzaamheden


@pytest.fixture
def beheerder(db):
    gebruiker = get_user_model().objects.create_superuser(username="beheer-acties", password="x")
    client = Client()
    client.force_login(gebruiker)
    return client


def test_beheer_wijzigt_velden_met_vastlegging(beheerder):
    doorzon = Convenant.objects.get(code="doorzon")
    velden = [v for v in doorzon.zichtbare_velden if v != "bag_id"]
    antwoord = beheerder.post(
        f"/beheer/acties/convenant/{doorzon.pk}/change/",
        {
            "code": "doorzon",
            "naam": doorzon.naam,
            "rechtsgrond": doorzon.rechtsgrond,
            "partijen": list(doorzon.partijen.values_list("pk", flat=True)),
            "zichtbare_velden": velden,
            "melder_informatie": "volledig",
            "actief": "on",
            "actie_types-TOTAL_FORMS": "3",
            "actie_types-INITIAL_FORMS": "3",
            "actie_types-0-code": "box_controle",
            "actie_types-1-code": "huurmaatregel",
            "actie_types-2-code": "sluiting_13b",
            "actie_types-0-convenant": "doorzon",
            "actie_types-1-convenant": "doorzon",
            "actie_types-2-convenant": "doorzon",
            "veldwijzigingen-TOTAL_FORMS": "0",
            "veldwijzigingen-INITIAL_FORMS": "0",
        },
    )
    assert antwoord.status_code == 302, antwoord.content.decode()[:3000]
    wijziging = ConvenantVeldenWijziging.objects.get(convenant=doorzon)
    assert "bag_id" in wijziging.voor
    assert "bag_id" not in wijziging.na
    assert wijziging.door_naam == "beheer-acties"
    assert sorted(Convenant.objects.get(pk="doorzon").zichtbare_velden) == sorted(velden)


def test_beheer_toont_acties_en_verwijdert_niets(beheerder, voorstel, coordinator, org):
    actie = voorstel("buurtschouw")
    actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["handhaving"])
    for pad in ("actie", "actietype", "convenant", "convenantveldenwijziging"):
        assert beheerder.get(f"/beheer/acties/{pad}/").status_code == 200
    pagina = beheerder.get(f"/beheer/acties/actie/{actie.pk}/change/")
    assert pagina.status_code == 200
    assert "toegewezen" in pagina.content.decode()
    assert beheerder.get(f"/beheer/acties/actie/{actie.pk}/delete/").status_code == 403
    assert beheerder.get("/beheer/acties/actie/add/").status_code == 403
