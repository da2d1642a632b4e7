"""Lost races in triage, produced for real: a second database connection changes the hotspot or the
melding at the moment the triage service locks it, as another coordinator or the clustering would.
The coordinator gets a Dutch message, never a 500, and nothing is written. (Written by a helper for
its own triage service; adapted to the one on main, which answers with a redirect and the message.)"""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from accounts.roles import Rol
from coordinatie.services import melding_triage
from hotspots.models import Hotspot, HotspotEvent, HotspotMelding
from hotspots.workflow import HotspotEventSoort
from meldingen.models import Melding, MeldingEvent
from tests.factories import MeldingFactory

pytestmark = pytest.mark.django_db


def in_tweede_verbinding(werk):
    """Runs `werk` in another thread, so on another connection in autocommit: what it writes is
    committed at once and visible to the test's own (open) transaction."""
    uitkomst = {}

    def draai():
        try:
            with connection.cursor() as cursor:
                # Never hang the suite on a lock the test's transaction still holds.
                cursor.execute("SET lock_timeout = '5s'")
            uitkomst["waarde"] = werk()
        except BaseException as exc:  # handed to the test's thread
            uitkomst["fout"] = exc
        finally:
            connection.close()

    draad = threading.Thread(target=draai)
    draad.start()
    draad.join(30)
    if "fout" in uitkomst:
        raise uitkomst["fout"]
    return uitkomst.get("waarde")


@pytest.fixture
def vastgelegd():
    """Rows committed by the second connection; the test's rollback cannot remove them, so they go here."""
    opruimen = []
    yield opruimen
    # A merged hotspot protects the one it was merged into: undo the merge before deleting.
    hotspot_ids = [pk for model, pk in opruimen if model is Hotspot]
    in_tweede_verbinding(lambda: Hotspot.objects.filter(pk__in=hotspot_ids).update(samengevoegd_in=None))
    for model, pk in reversed(opruimen):
        in_tweede_verbinding(lambda model=model, pk=pk: model.objects.filter(pk=pk).delete())


def hotspot_vastleggen(vastgelegd, rond: Melding) -> Hotspot:
    polygon = rond.locatie.buffer(50)

    def maak():
        nu = timezone.now()
        return Hotspot.objects.create(polygon=polygon, status="actief", score=0.5, aangemaakt_op=nu, bijgewerkt_op=nu)

    hotspot = in_tweede_verbinding(maak)
    vastgelegd.append((Hotspot, hotspot.pk))
    return hotspot


def net_voor_het_slot(tabel: str, wijziging):
    """An execute wrapper: just before the test's connection locks a row of `tabel` (SELECT ... FOR
    UPDATE), the second connection makes `wijziging` and commits it. Fires once; `.gevuurd` says it did."""

    def wrapper(execute, sql, params, many, context):
        if not wrapper.gevuurd and "FOR UPDATE" in sql and f'FROM "{tabel}"' in sql:
            wrapper.gevuurd = True
            in_tweede_verbinding(wijziging)
        return execute(sql, params, many, context)

    wrapper.gevuurd = False
    return wrapper


def test_koppelen_aan_een_hotspot_die_intussen_werd_samengevoegd_geeft_een_nette_melding(als, client, vastgelegd):
    # given a new melding and two living hotspots the coordinator's screen offers
    melding = MeldingFactory()
    verloren = hotspot_vastleggen(vastgelegd, melding)
    blijvend = hotspot_vastleggen(vastgelegd, melding)
    als(Rol.COORDINATOR)
    assert f'name="hotspot" value="{verloren.pk}"' in client.get("/coordinatie/").content.decode()
    # when the recompute merges the chosen hotspot into the other one while the link is being made
    samenvoegen = net_voor_het_slot(
        "hotspots_hotspot",
        lambda: Hotspot.objects.filter(pk=verloren.pk).update(status="opgelost", samengevoegd_in=blijvend),
    )
    with connection.execute_wrapper(samenvoegen):
        response = client.post(
            f"/coordinatie/meldingen/{melding.pk}/triage/",
            {"actie": "hotspot", "hotspot": verloren.pk, "volgende": "/coordinatie/?buurt=T"},
            follow=True,
        )
    # then the race really happened, and the coordinator is back where they were and told in Dutch
    assert samenvoegen.gevuurd
    assert response.redirect_chain[-1][0] == "/coordinatie/?buurt=T"
    html = response.content.decode()
    assert f"{melding.referentie}: hotspot {verloren.pk} is intussen opgelost of samengevoegd" in html
    # and nothing was linked or counted
    assert not HotspotMelding.objects.filter(melding=melding).exists()
    assert Hotspot.objects.get(pk=verloren.pk).aantal_meldingen == 0
    assert not HotspotEvent.objects.filter(hotspot=verloren, soort=HotspotEventSoort.MELDING_GEKOPPELD).exists()


def test_de_service_geeft_bij_de_verloren_race_een_uitkomst_en_geen_exceptie(vastgelegd, admin_user):
    melding = MeldingFactory()
    verloren = hotspot_vastleggen(vastgelegd, melding)
    opheffen = net_voor_het_slot(
        "hotspots_hotspot", lambda: Hotspot.objects.filter(pk=verloren.pk).update(status="opgelost")
    )
    with connection.execute_wrapper(opheffen):
        uitkomst = melding_triage(melding=melding, actie="hotspot", gegevens={"hotspot": verloren.pk}, actor=admin_user)
    assert opheffen.gevuurd
    assert not uitkomst.gelukt
    assert uitkomst.berichten[0].startswith(f"{melding.referentie}: hotspot {verloren.pk} is intussen opgelost")
    # the same step on a hotspot that stays alive succeeds: the race, not the input, made the difference
    nu = timezone.now()  # in the test's own transaction: the link's lock ends with the test's rollback
    levend = Hotspot.objects.create(
        polygon=melding.locatie.buffer(50), status="actief", score=0.5, aangemaakt_op=nu, bijgewerkt_op=nu
    )
    uitkomst = melding_triage(melding=melding, actie="hotspot", gegevens={"hotspot": levend.pk}, actor=admin_user)
    assert uitkomst.gelukt
    assert HotspotMelding.objects.filter(melding=melding, hotspot=levend).exists()


def test_een_collega_accepteert_dezelfde_melding_net_eerder(als, client, vastgelegd):
    # given a new melding, committed, as in production where two coordinators see the same queue
    melding = in_tweede_verbinding(lambda: MeldingFactory())
    vastgelegd.append((Melding, melding.pk))
    als(Rol.COORDINATOR)
    # when a colleague's acceptance commits just before this coordinator's step takes the lock
    collega = net_voor_het_slot(
        "meldingen_melding", lambda: Melding.objects.filter(pk=melding.pk).update(status="in_behandeling")
    )
    with connection.execute_wrapper(collega):
        response = client.post(f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "accepteren"}, follow=True)
    # then a Dutch answer, no 500, and no second history row
    assert collega.gevuurd
    assert response.status_code == 200
    assert f"{melding.referentie}: de status is intussen veranderd; ververs de lijst." in response.content.decode()
    assert not MeldingEvent.objects.filter(melding_id=melding.pk).exists()
    assert Melding.objects.get(pk=melding.pk).status == "in_behandeling"


def test_een_stap_die_de_workflow_niet_toestaat_is_een_melding_geen_500(als, client):
    melding = MeldingFactory(status="afgewezen", afwijs_reden="geen_drugsoverlast")
    als(Rol.COORDINATOR)
    response = client.post(
        f"/coordinatie/meldingen/{melding.pk}/triage/",
        {"actie": "dubbel", "origineel": MeldingFactory().meldcode},
        follow=True,
    )
    assert response.status_code == 200
    assert "de status is intussen veranderd" in response.content.decode()
    melding.refresh_from_db()
    assert (melding.status, melding.duplicaat_van) == ("afgewezen", None)
