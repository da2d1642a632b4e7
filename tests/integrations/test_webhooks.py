"""Webhooks to partners (issue 15) against real receivers on loopback: signatures the Standard Webhooks
reference library accepts (and refuses when the secret, the time or the body is wrong), retries with the
same webhook-id, the dead letter and its resend, 410 disabling the endpoint, order per action after an
outage, fan-out only to the organisations concerned, and the SSRF guard."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from acties.services import actie_transition
from integrations import webhooks
from integrations.models import WebhookBericht, WebhookPoging
from outbox.services import events_dispatch
from tests.fakes.webhook import WebhookOntvanger

pytestmark = pytest.mark.django_db


@pytest.fixture
def ontvanger():
    fakes = []

    def maak(antwoorden=None):
        fake = WebhookOntvanger(antwoorden).start()
        fakes.append(fake)
        return fake

    yield maak
    for fake in fakes:
        fake.stop()


@pytest.fixture
def toegewezen(voorstel, coordinator, org):
    """An action assigned to `partij` (default handhaving), its events dispatched to the handlers."""

    def maak(partij="handhaving", deelnemers=()):
        actie = voorstel("buurtschouw")
        actie_transition(
            actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org[partij], deelnemers=deelnemers
        )
        events_dispatch()
        return actie

    return maak


def _later(uren: float) -> datetime:
    return timezone.now() + timedelta(hours=uren)


def test_ondertekend_zoals_standard_webhooks_zegt(ontvanger, org, toegewezen, partners):
    fake = ontvanger()
    _abonnement, geheim = webhooks.abonnement_maken(organisatie=org["handhaving"], url=fake.url)
    actie = toegewezen()
    assert webhooks.berichten_herplannen() == {"afgeleverd": 1}
    [payload] = fake.verifieren(geheim)
    assert payload["type"] == "actie.status_gewijzigd"
    assert payload["data"] == {"actie_id": actie.pk, "status": "toegewezen"}
    headers, body = fake.verzoeken[0]
    assert headers["webhook-id"].startswith("msg_")
    # thin: no text of the case, let alone a reporter's
    assert set(payload) == {"type", "timestamp", "data"}
    # the reference library refuses a wrong secret, an old timestamp and a changed body
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.geheim_maken()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(geheim).verify(body.replace(b"toegewezen", b"afgerond"), headers)
    oud = int(headers["webhook-timestamp"]) - 10 * 60
    oude_headers = {
        **headers,
        "webhook-timestamp": str(oud),
        "webhook-signature": webhooks.handtekening(geheim, headers["webhook-id"], oud, body),
    }
    with pytest.raises(WebhookVerificationError):
        Webhook(geheim).verify(body, oude_headers)


def test_twee_keer_500_dan_200_is_een_keer_afgeleverd_met_drie_pogingen(ontvanger, org, toegewezen):
    fake = ontvanger([500, 500, 200])
    webhooks.abonnement_maken(organisatie=org["handhaving"], url=fake.url)
    toegewezen()
    assert webhooks.berichten_herplannen() == {"wachtend": 1}
    # not yet due: nothing is sent
    assert webhooks.berichten_herplannen() == {}
    assert webhooks.berichten_herplannen(nu=_later(0.01)) == {"wachtend": 1}
    assert webhooks.berichten_herplannen(nu=_later(0.2)) == {"afgeleverd": 1}
    bericht = WebhookBericht.objects.get()
    assert [p.status_code for p in WebhookPoging.objects.filter(bericht=bericht).order_by("id")] == [500, 500, 200]
    assert len({h["webhook-id"] for h, _b in fake.verzoeken}) == 1  # a receiver can drop the repeats
    assert webhooks.berichten_herplannen(nu=_later(48)) == {}  # delivered once


def test_altijd_fout_wordt_dead_letter_na_meer_dan_een_dag_en_opnieuw_versturen_werkt(ontvanger, org, toegewezen):
    fake = ontvanger([503])
    _, geheim = webhooks.abonnement_maken(organisatie=org["handhaving"], url=fake.url)
    toegewezen()
    nu, pogingen = timezone.now(), 0
    while WebhookBericht.objects.get().status == "wachtend":
        bericht = WebhookBericht.objects.get()
        nu = max(nu, bericht.volgende_poging_op)
        webhooks.bericht_afleveren(bericht_id=bericht.pk, nu=nu)
        pogingen += 1
        assert pogingen <= webhooks.MAX_POGINGEN
    bericht = WebhookBericht.objects.get()
    assert (bericht.status, bericht.pogingen) == ("dood", webhooks.MAX_POGINGEN)
    assert nu - bericht.aangemaakt_op >= timedelta(hours=24)  # retried for at least a day
    assert WebhookPoging.objects.filter(bericht=bericht).count() == webhooks.MAX_POGINGEN
    # the coordinator resends once the partner fixed their side: same webhook-id
    fake.antwoorden = [200]
    webhooks.bericht_opnieuw(bericht_id=bericht.pk)
    assert webhooks.berichten_herplannen() == {"afgeleverd": 1}
    assert fake.verzoeken[-1][0]["webhook-id"] == bericht.msg_id
    fake.verifieren(geheim)
    with pytest.raises(ValidationError):
        webhooks.bericht_opnieuw(bericht_id=bericht.pk)  # delivered: nothing to resend


def test_410_schakelt_de_webhook_uit(ontvanger, org, toegewezen):
    fake = ontvanger([410])
    abonnement, _g = webhooks.abonnement_maken(organisatie=org["handhaving"], url=fake.url)
    toegewezen()
    toegewezen()
    uitkomst = webhooks.berichten_herplannen()
    abonnement.refresh_from_db()
    assert abonnement.actief is False
    assert "410" in abonnement.uitgeschakeld_reden
    assert set(WebhookBericht.objects.values_list("status", flat=True)) == {"dood"}
    assert len(fake.verzoeken) == 1
    assert uitkomst == {"dood": 2}
    with pytest.raises(ValidationError):
        webhooks.bericht_opnieuw(bericht_id=WebhookBericht.objects.first().pk)
    # a later event makes no message for a disabled endpoint
    toegewezen()
    assert WebhookBericht.objects.count() == 2


def test_na_een_storing_komt_alles_aan_in_volgorde_per_actie(ontvanger, org, toegewezen, partners):
    fake = ontvanger([200])
    url = fake.url
    _a, geheim = webhooks.abonnement_maken(organisatie=org["handhaving"], url=url)
    fake.stop()  # the receiver is down while the actions change
    acties = [toegewezen(), toegewezen()]
    partner = partners["handhaving"]
    for actie in acties:
        for naar in ("geaccepteerd", "in_uitvoering"):
            actie_transition(actie=actie, naar=naar, actor=partner)
    events_dispatch()
    webhooks.berichten_herplannen()
    assert set(WebhookBericht.objects.values_list("status", flat=True)) == {"wachtend"}
    ids_tijdens_storing = dict(WebhookBericht.objects.values_list("id", "msg_id"))

    terug = WebhookOntvanger([200], port=int(url.split(":")[2].split("/")[0])).start()
    try:
        for uren in (0.01, 0.2, 1, 3):
            webhooks.berichten_herplannen(nu=_later(uren))
        payloads = terug.verifieren(geheim)
    finally:
        terug.stop()
    assert set(WebhookBericht.objects.values_list("status", flat=True)) == {"afgeleverd"}
    for actie in acties:
        statussen = [p["data"]["status"] for p in payloads if p["data"]["actie_id"] == actie.pk]
        assert statussen == ["toegewezen", "geaccepteerd", "in_uitvoering"]
    # each message kept its webhook-id through the outage
    assert {h["webhook-id"] for h, _b in terug.verzoeken} == set(ids_tijdens_storing.values())


def test_alleen_betrokken_organisaties_en_een_herhaald_event_maakt_niets_dubbel(ontvanger, org, toegewezen):
    eigen, deelnemer, vreemd = ontvanger(), ontvanger(), ontvanger()
    webhooks.abonnement_maken(organisatie=org["handhaving"], url=eigen.url)
    webhooks.abonnement_maken(organisatie=org["politie"], url=deelnemer.url)
    webhooks.abonnement_maken(organisatie=org["ymere"], url=vreemd.url)
    toegewezen(deelnemers=[org["politie"]])
    from outbox.models import Event

    event = Event.objects.filter(type="actie.status_gewijzigd").latest("id")
    assert webhooks.berichten_maken(event=event)  # the handler ran already: the same ids, no new rows
    assert WebhookBericht.objects.count() == 2
    webhooks.berichten_herplannen()
    assert (len(eigen.verzoeken), len(deelnemer.verzoeken), len(vreemd.verzoeken)) == (1, 1, 0)


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5/hook",
        "http://192.168.1.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[fd00::1]/hook",
        "http://0.0.0.0/hook",
        "ftp://example.org/hook",
        "file:///etc/passwd",
    ],
)
def test_interne_adressen_worden_geweigerd(url, org):
    with pytest.raises(ValidationError):
        webhooks.abonnement_maken(organisatie=org["handhaving"], url=url)


@override_settings(WEBHOOK_LOOPBACK_TOEGESTAAN=False)
def test_loopback_alleen_met_de_instelling(org):
    for url in ("http://127.0.0.1:8000/hook", "http://localhost/hook", "http://[::1]/hook"):
        with pytest.raises(ValidationError):
            webhooks.url_controleren(url)


@override_settings(WEBHOOK_LOOPBACK_TOEGESTAAN=False)
def test_een_adres_dat_later_intern_wordt_krijgt_niets(ontvanger, org, toegewezen, settings):
    fake = ontvanger([200])
    with override_settings(WEBHOOK_LOOPBACK_TOEGESTAAN=True):
        webhooks.abonnement_maken(organisatie=org["handhaving"], url=fake.url)
    toegewezen()
    webhooks.berichten_herplannen()
    assert fake.verzoeken == []
    poging = WebhookPoging.objects.get()
    assert poging.status_code is None
    assert "intern netwerk" in poging.fout


def test_beheerder_registreert_en_ziet_het_geheim_een_keer(admin_client, ontvanger, org):
    fake = ontvanger()
    antwoord = admin_client.post(
        "/beheer/integrations/webhookabonnement/add/",
        {"organisatie": "handhaving", "url": fake.url, "actief": "on"},
        follow=True,
    )
    assert antwoord.status_code == 200
    bericht = next(str(m) for m in antwoord.context["messages"] if "whsec_" in str(m))
    geheim = "whsec_" + bericht.split("whsec_")[1].split(".")[0]
    from integrations.models import WebhookAbonnement

    abonnement = WebhookAbonnement.objects.get()
    assert webhooks.abonnement_geheim(abonnement) == geheim
    assert geheim.encode() not in bytes(abonnement.geheim_versleuteld)  # stored encrypted
    assert (
        geheim
        not in admin_client.get(f"/beheer/integrations/webhookabonnement/{abonnement.pk}/change/").content.decode()
    )
    intern = admin_client.post(
        "/beheer/integrations/webhookabonnement/add/", {"organisatie": "handhaving", "url": "http://10.1.2.3/x"}
    )
    assert "intern netwerk" in intern.content.decode()


def test_coordinator_ziet_wat_er_verstuurd_is_en_verstuurt_een_dead_letter_opnieuw(
    client, ontvanger, org, toegewezen, coordinator
):
    fake = ontvanger([500])
    webhooks.abonnement_maken(organisatie=org["handhaving"], url=fake.url)
    actie = toegewezen()
    WebhookBericht.objects.update(pogingen=webhooks.MAX_POGINGEN - 1)
    webhooks.berichten_herplannen()
    bericht = WebhookBericht.objects.get()
    assert bericht.status == "dood"
    client.force_login(coordinator)
    pagina = client.get(f"/coordinatie/acties/{actie.pk}/").content.decode()
    assert "Verstuurd naar partners (webhooks)" in pagina
    assert "HTTP 500" in pagina
    assert "Opnieuw versturen" in pagina
    fake.antwoorden = [200]
    antwoord = client.post(f"/coordinatie/acties/{actie.pk}/webhooks/{bericht.pk}/opnieuw/")
    assert antwoord.status_code == 302
    assert webhooks.berichten_herplannen() == {"afgeleverd": 1}
    assert "Afgeleverd" in client.get(f"/coordinatie/acties/{actie.pk}/").content.decode()
