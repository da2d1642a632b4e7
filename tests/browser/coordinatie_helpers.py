"""Shared by the coordination browser tests: committed demo rows for the live server, cleaned up
afterwards (the audit trail refuses deletes, so it is truncated), and a login through the form."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from accounts.models import Lidmaatschap
from coordinatie.models import Notitie
from hotspots.models import Hotspot, HotspotEvent, HotspotMelding, HotspotScore
from meldingen.models import MeldingEvent
from privacy.anonymity import truncate_to_hour
from tests.coordinatie.conftest import WACHTWOORD, maak_gebruiker
from tests.factories import BIJLMERPLEIN, HotspotFactory, MeldingFactory
from tests.hotspots.conftest import verschoven


def uur(n: int):
    return truncate_to_hour(timezone.now() - timedelta(hours=n))


def maak_melding(**kwargs):
    melding = MeldingFactory(**kwargs)
    MeldingEvent.objects.create(melding=melding, van="", naar=melding.status, created_at=melding.ontvangen_op)
    return melding


def maak_hotspot(leden, **kwargs):
    nu = timezone.now()
    hotspot = HotspotFactory(
        polygon=leden[0].locatie.buffer(90),
        buurt=leden[0].buurt,
        score=0.7,
        trend="stijgend",
        aantal_meldingen=len(leden),
        aantal_dagen=len(leden),
        eerste_melding=min(m.observed_at for m in leden),
        laatste_melding=max(m.observed_at for m in leden),
        locatie_types=[["garagebox", len(leden)]],
        waarnemingen=[["opslag", len(leden)]],
        aangemaakt_op=nu - timedelta(days=20),
        **kwargs,
    )
    for m in leden:
        HotspotMelding.objects.create(hotspot=hotspot, melding=m)
    HotspotEvent.objects.create(hotspot=hotspot, soort="aangemaakt", naar="opkomend", as_of=nu - timedelta(days=20))
    HotspotEvent.objects.create(
        hotspot=hotspot, soort="status", van="opkomend", naar="actief", as_of=nu - timedelta(days=9)
    )
    return hotspot


def rond_bijlmerplein(noord_m: float, oost_m: float):
    return verschoven(BIJLMERPLEIN, noord_m, oost_m)


def gebruikers(*rollen_en_namen):
    return {naam: maak_gebruiker(rol, naam) for rol, naam in rollen_en_namen}


def opruimen(namen) -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE coordinatie_inzage")
        # Actions point at hotspots and meldingen (PROTECT) and their history is append-only.
        cursor.execute(
            "TRUNCATE acties_actieinzage, acties_actiefoto, acties_actieevent, acties_actie_meldingen, "
            "acties_actie_deelnemers, acties_actie, outbox_handledevent, outbox_event CASCADE"
        )
    Notitie.objects.all().delete()
    HotspotMelding.objects.all().delete()
    HotspotScore.objects.all().delete()
    HotspotEvent.objects.all().delete()
    Hotspot.objects.update(samengevoegd_in=None)
    Hotspot.objects.all().delete()
    # History refuses row deletes (append-only trigger); TRUNCATE is the test reset.
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE meldingen_meldingfoto, meldingen_meldingevent, meldingen_melding CASCADE")
    Lidmaatschap.objects.filter(user__username__in=namen).delete()
    get_user_model().objects.filter(username__in=namen).delete()


def inloggen(page, base: str, naam: str, volgende: str = "") -> None:
    page.goto(f"{base}/account/inloggen/{'?next=' + volgende if volgende else ''}")
    page.get_by_label("Gebruikersnaam").fill(naam)
    page.get_by_label("Wachtwoord").fill(WACHTWOORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def kaart_geladen(page) -> None:
    page.wait_for_function("() => document.querySelector('#werkkaart').classList.contains('leaflet-container')")
    page.wait_for_function("() => /meldingen in beeld/.test(document.querySelector('#kaartstatus').textContent)")
