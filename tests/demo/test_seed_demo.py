import io
import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from demo.services import DEFAULT_SEED, demo_seed
from meldingen.models import Buurt, Kanaal, MelderRol, Melding, MeldingEvent
from meldingen.workflow import AfwijsReden, MeldingStatus, is_allowed
from privacy.anonymity import truncate_to_hour

pytestmark = pytest.mark.django_db
FIXED_NOW = datetime(2025, 11, 14, 16, 30, tzinfo=UTC)


def seed_demo(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue().splitlines()


def test_demo_concentrates_meldingen_in_zuidoost_and_nieuw_west():
    # when
    seed_demo("--meldingen", "300")
    # then
    assert Melding.objects.count() == 300
    per_stadsdeel = Counter(Melding.objects.values_list("buurt__wijk__stadsdeel_id", flat=True))
    inwoners = dict(
        Buurt.objects.values_list("wijk__stadsdeel_id")
        .annotate(n=Sum("inwoners"))
        .values_list("wijk__stadsdeel_id", "n")
    )
    population_share = (inwoners["T"] + inwoners["F"]) / sum(n or 0 for n in inwoners.values())
    melding_share = (per_stadsdeel["T"] + per_stadsdeel["F"]) / 300
    assert per_stadsdeel["T"] >= 60
    assert per_stadsdeel["F"] >= 60
    assert melding_share > 1.8 * population_share, (melding_share, population_share)
    # smaller hotspots and noise reach the rest of the city
    assert per_stadsdeel["A"] > 0
    assert per_stadsdeel["N"] > 0
    assert len(per_stadsdeel) >= 6
    # the busiest buurten are hotspots in T and F
    top = Counter(Melding.objects.values_list("buurt_id", flat=True)).most_common(3)
    assert {code[0] for code, _n in top} <= {"T", "F"}


def test_demo_uses_every_channel_and_role_with_plausible_mixes():
    # when
    seed_demo("--meldingen", "300")
    # then
    meldingen = Melding.objects.all()
    assert set(meldingen.values_list("kanaal", flat=True)) == set(Kanaal.values)
    assert set(meldingen.values_list("melder_rol_id", flat=True)) == set(
        MelderRol.objects.values_list("code", flat=True)
    )
    kanalen = Counter(meldingen.values_list("kanaal", flat=True))
    assert kanalen.most_common(1)[0][0] == Kanaal.WEB
    dagdelen = Counter(meldingen.values_list("dagdeel", flat=True))
    assert dagdelen["avond"] + dagdelen["nacht"] > 0.55 * 300
    boxes = meldingen.filter(locatie_type_id="garagebox")
    assert boxes.count() > 10
    assert sum(bool({"opslag", "aanloop"} & set(m.waarnemingen)) for m in boxes) > 0.7 * boxes.count()
    teksten = [t for t in meldingen.values_list("omschrijving", flat=True) if t]
    assert 0.2 * 300 < len(teksten) < 0.8 * 300
    assert not any(ch.isdigit() for tekst in teksten for ch in tekst)  # no phone numbers, no house numbers


def test_demo_times_are_recent_and_anonymous():
    # given
    now = timezone.now()
    # when
    seed_demo("--meldingen", "300")
    # then
    for melding in Melding.objects.all():
        assert now - timedelta(days=190) < melding.observed_at <= now
        assert melding.ontvangen_op == truncate_to_hour(melding.ontvangen_op)
        assert truncate_to_hour(melding.observed_at) <= melding.ontvangen_op <= now
        assert melding.ontvangen_op - melding.observed_at < timedelta(days=6)


def test_demo_statuses_are_varied_and_their_history_is_consistent():
    # given: a fixed moment, so which meldingen count as "newest" does not depend on the clock
    now = FIXED_NOW
    # when
    demo_seed(meldingen=300, seed=DEFAULT_SEED, now=now)
    # then
    meldingen = Melding.objects.all()
    statuses = Counter(meldingen.values_list("status", flat=True))
    assert set(statuses) == set(MeldingStatus.values)
    assert statuses["afgehandeld"] + statuses["in_behandeling"] > 0.5 * 300
    redenen = set(meldingen.filter(status="afgewezen").values_list("afwijs_reden", flat=True))
    assert redenen == set(AfwijsReden.values)
    # the newest wait for triage, the older ones have moved on
    newest = list(meldingen.filter(ontvangen_op__gte=now - timedelta(days=7)).values_list("status", flat=True))
    assert len(newest) >= 5
    assert newest.count(MeldingStatus.NIEUW) >= 0.5 * len(newest)
    oldest = list(meldingen.filter(ontvangen_op__lt=now - timedelta(days=30)).values_list("status", flat=True))
    assert oldest.count(MeldingStatus.NIEUW) < 0.1 * len(oldest)

    events: dict[int, list[MeldingEvent]] = {}
    for event in MeldingEvent.objects.order_by("created_at", "id"):
        events.setdefault(event.melding_id, []).append(event)
    for melding in meldingen:
        history = events[melding.pk]
        assert (history[0].van, history[0].naar, history[0].created_at) == ("", "nieuw", melding.ontvangen_op)
        for earlier, later in itertools.pairwise(history):
            assert later.van == earlier.naar
            assert is_allowed(later.van, later.naar)
            assert earlier.created_at <= later.created_at <= now
            assert bool(later.reden) == (later.naar == MeldingStatus.AFGEWEZEN)
        assert history[-1].naar == melding.status
        if melding.status == MeldingStatus.AFGEWEZEN:
            assert history[-1].reden == melding.afwijs_reden
        else:
            assert melding.afwijs_reden == ""


def test_demo_duplicates_point_at_an_earlier_original():
    # when
    seed_demo("--meldingen", "300")
    # then
    duplicates = Melding.objects.filter(afwijs_reden=AfwijsReden.DUBBEL).select_related("duplicaat_van")
    assert duplicates.exists()
    for melding in duplicates:
        original = melding.duplicaat_van
        assert original is not None
        assert original.duplicaat_van_id is None
        assert original.ontvangen_op <= melding.ontvangen_op
        assert original.buurt.wijk.stadsdeel_id == melding.buurt.wijk.stadsdeel_id


def test_second_run_adds_nothing():
    # given
    seed_demo("--meldingen", "300")
    counts = (Melding.objects.count(), MeldingEvent.objects.count())
    # when
    out = seed_demo("--meldingen", "300")
    # then
    assert (Melding.objects.count(), MeldingEvent.objects.count()) == counts
    assert any("already present" in line for line in out)


def test_demo_is_deterministic_for_a_seed():
    # given
    now = timezone.now()

    def snapshot():
        return list(
            Melding.objects.order_by("import_sleutel").values_list(
                "meldcode", "buurt_id", "locatie", "waarnemingen", "observed_at", "status", "kanaal", "melder_rol_id"
            )
        )

    runs = []
    # when: the same seed twice, each run rolled back before the next
    for _ in range(2):
        with transaction.atomic():
            demo_seed(meldingen=120, seed=7, now=now)
            runs.append(snapshot())
            transaction.set_rollback(True)
    # then
    assert len(runs[0]) == 120
    assert runs[0] == runs[1]


def test_seed_demo_prints_a_working_admin_login(client):
    out = seed_demo("--meldingen", "50", "--password", "geheim-demo-42")
    assert any("beheerder / geheim-demo-42" in line for line in out)
    assert client.login(username="beheerder", password="geheim-demo-42")
    assert client.get("/beheer/meldingen/melding/").status_code == 200


def test_seed_demo_maakt_een_login_per_rol_en_per_partnerorganisatie(client):
    from accounts.models import Lidmaatschap, Organisatie
    from accounts.roles import rollen_van

    # when: twice, with the password from the environment the second time
    seed_demo("--meldingen", "20", "--password", "eerste-wachtwoord")
    out = seed_demo("--meldingen", "20", "--password", "rol-demo-42")
    # then: every role logs in with the printed password and lands where it may
    for naam, rol, url in (
        ("coordinator", "coordinator", "/coordinatie/"),
        ("approver", "approver", "/coordinatie/"),
        ("auditor", "auditor", "/coordinatie/inzage/"),
        ("admin", "admin", "/coordinatie/"),
    ):
        assert any(line.endswith(f"{naam} / rol-demo-42") and rol in line for line in out), naam
        assert client.login(username=naam, password="rol-demo-42")
        assert client.get(url).status_code == 200
        client.logout()
    organisaties = Organisatie.objects.filter(actief=True)
    assert organisaties.filter(code__in=["politie", "handhaving", "ymere", "stadgenoot", "eigen_haard"]).count() == 5
    for organisatie in organisaties:
        lid = Lidmaatschap.objects.select_related("user").get(organisatie=organisatie)
        assert rollen_van(lid.user) == {"partner"}
        assert any(line.endswith(f"{lid.user.username} / rol-demo-42") for line in out)
        assert client.login(username=lid.user.username, password="rol-demo-42")
        assert client.get("/coordinatie/").status_code == 403
        client.logout()
    # idempotent: no second set of accounts
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.count() == 1 + 4 + organisaties.count()


def test_seed_demo_wachtwoord_uit_de_omgeving(monkeypatch, client):
    monkeypatch.setenv("DEMO_PASSWORD", "uit-de-omgeving-7")
    # the option's default is read when the parser is built, i.e. at call time
    out = seed_demo("--meldingen", "20")
    assert any(line.endswith("coordinator / uit-de-omgeving-7") for line in out)
    assert client.login(username="coordinator", password="uit-de-omgeving-7")


def test_seed_demo_komt_uit_de_demo_app_en_geen_app_importeert_demo():
    # `make run` calls `manage.py seed_demo`: the command must be the demo app's, and the demo data stays
    # in that one place (no app below it reaches up into it).
    from pathlib import Path

    from django.conf import settings
    from django.core.management import get_commands

    assert get_commands()["seed_demo"] == "demo"
    root = Path(settings.BASE_DIR)
    apps = ("accounts", "meldingen", "hotspots", "coordinatie", "kaart", "acties", "integrations", "config")
    reikt_omhoog = [
        str(pad.relative_to(root))
        for app in apps
        for pad in (root / app).rglob("*.py")
        if "from demo" in pad.read_text() or "import demo" in pad.read_text()
    ]
    assert reikt_omhoog == []


def test_seed_demo_maakt_acties_in_elke_status_met_hun_historie():
    # given the default demo city (it has hotspots and reported homes)
    from acties.models import Actie, ActieEvent
    from acties.workflow import ActieStatus
    from outbox.models import Event

    out = seed_demo()
    # then every status of the workflow is there, each action reached it through the services
    statussen = set(Actie.objects.values_list("status", flat=True))
    assert statussen == set(ActieStatus.values)
    for actie in Actie.objects.all():
        historie = list(ActieEvent.objects.filter(actie=actie).order_by("id").values_list("naar", flat=True))
        assert historie[0] == ActieStatus.VOORGESTELD
        assert historie[-1] == actie.status
        assert Event.objects.filter(type__startswith="actie.", object_id=actie.pk).count() == len(historie)
    afgerond = Actie.objects.filter(status=ActieStatus.AFGEROND)
    assert all(a.uitkomst and a.doelgebied is not None for a in afgerond)
    assert any("demo actions in every state" in line for line in out)
    # and a second run adds none
    aantal = Actie.objects.count()
    seed_demo()
    assert Actie.objects.count() == aantal
