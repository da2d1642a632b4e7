"""Demo actions: every state of the action workflow, made through the real services (so each has its
history rows and outbox events), at the demo city's strongest hotspots and at addresses of reported
homes. Idempotent: a database that has actions gets none added."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Organisatie
from acties.models import Actie, ActieType
from acties.services import actie_bevestigen, actie_transition, actie_voorstellen
from acties.workflow import ActieStatus as S
from hotspots.models import Hotspot
from hotspots.services import hotspot_recompute
from hotspots.workflow import LEVEND
from meldingen.models import Melding

from .gebruikers import partner_gebruikersnaam


@dataclass(frozen=True)
class Scenario:
    type: str
    verantwoordelijke: str
    pad: tuple[str, ...]  # the statuses after `voorgesteld`, in order
    samenvatting: str
    deelnemers: tuple[str, ...] = ()
    adres: bool = False  # at a reported home instead of a hotspot
    reden: str = ""
    uitkomst: tuple[str, str] = ("", "")


SCENARIOS = (
    Scenario("buurtschouw", "politie", (S.TOEGEWEZEN, S.GEACCEPTEERD, S.IN_UITVOERING, S.AFGEROND),
             "Buurtschouw met bewoners langs de portieken en het speelveld.", deelnemers=("handhaving", "ymere"),
             uitkomst=("uitgevoerd", "Schouw gelopen met zes bewoners; drie kapotte lampen en een open achterdeur gemeld.")),
    Scenario("extra_toezicht", "politie", (S.TOEGEWEZEN, S.GEACCEPTEERD, S.IN_UITVOERING),
             "Zichtbaar toezicht tussen 20 en 23 uur, twee weken lang."),
    Scenario("cameratoezicht", "politie", (S.WACHT_OP_AKKOORD, S.GOEDGEKEURD, S.TOEGEWEZEN, S.GEACCEPTEERD),
             "Mobiele camera bij de ingang, op besluit van de burgemeester."),
    Scenario("fysieke_aanpassing", "eigen_haard", (S.TOEGEWEZEN,),
             "Verlichting bij de fietsenstalling en het hek aan de achterzijde herstellen."),
    Scenario("box_controle", "handhaving", (S.TOEGEWEZEN, S.GEWEIGERD),
             "Garageboxen achter het blok controleren.", reden="Geen capaciteit deze week; graag na 1 januari opnieuw."),
    Scenario("straatcoaches", "saoa", (), "Straatcoaches op vrijdag- en zaterdagavond."),
    Scenario("sluiting_13b", "oov", (S.WACHT_OP_AKKOORD,), "Sluiting van de woning na herhaalde handel.",
             deelnemers=("politie",), adres=True),
    Scenario("sluiting_13b", "oov", (S.WACHT_OP_AKKOORD, S.GOEDGEKEURD), "Sluiting van de woning na een vondst.",
             deelnemers=("politie",), adres=True),
    Scenario("huurmaatregel", "de_alliantie", (S.TOEGEWEZEN, S.GEANNULEERD), "Waarschuwing aan de huurder.",
             adres=True, reden="De huurder is vertrokken; de woning staat leeg."),
    Scenario("adresonderzoek", "zoeklicht", (S.TOEGEWEZEN, S.GEACCEPTEERD, S.IN_UITVOERING, S.AFGEROND),
             "Onderzoek naar bewoning van de woning.", adres=True,
             uitkomst=("niets_aangetroffen", "Geen aanwijzingen voor onrechtmatige bewoning.")),
)  # fmt: skip

WONINGEN = ("woning", "spookwoning")


def seed_acties(*, now: datetime):
    from .services import StepResult  # services imports this module's caller; avoid the cycle

    result = StepResult(naam="acties")
    if Actie.objects.exists():
        result.lines.append("demo actions already present, nothing added")
        return result
    # Hotspots as the map will show them (make run recomputes again right after; the result is the same).
    hotspot_recompute(as_of=now)
    hotspots = list(Hotspot.objects.filter(status__in=LEVEND).order_by("-score", "id"))
    woningen = list(
        Melding.objects.geteld()
        .filter(locatie_type_id__in=WONINGEN, observed_at__gte=now - timedelta(days=60))
        .exclude(locatie_omschrijving="")
        .order_by("-observed_at", "id")
    )
    gebruikers = get_user_model().objects
    coordinator, approver = gebruikers.get(username="coordinator"), gebruikers.get(username="approver")
    orgs = {o.code: o for o in Organisatie.objects.all()}
    gemaakt = []
    for scenario in SCENARIOS:
        if (scenario.adres and not woningen) or (not scenario.adres and not hotspots):
            continue
        if scenario.adres:
            woning = woningen.pop(0)
            doel = {"adres": woning.locatie_omschrijving, "punt": woning.locatie, "meldingen": [woning]}
        else:
            doel = {"hotspot": hotspots.pop(0)}
        with transaction.atomic():
            actie = actie_voorstellen(
                type=ActieType.objects.get(code=scenario.type),
                door=coordinator,
                verantwoordelijke=orgs[scenario.verantwoordelijke],
                deelnemers=[orgs[c] for c in scenario.deelnemers],
                partner_samenvatting=scenario.samenvatting,
                **doel,
            )
            if scenario.adres:
                # One report about a home: the safeguard wants a second source or a staff confirmation
                # before the action is assigned (issue 14); the demo shows the confirmation.
                actie_bevestigen(
                    actie=actie,
                    door=coordinator,
                    wijze="partner",
                    toelichting="De wijkagent bevestigt de aanloop bij dit adres.",
                )
            partner = gebruikers.get(username=partner_gebruikersnaam(orgs[scenario.verantwoordelijke]))
            for naar in scenario.pad:
                actor = {S.GOEDGEKEURD: approver}.get(naar, coordinator)
                if naar in (S.GEACCEPTEERD, S.GEWEIGERD, S.IN_UITVOERING, S.AFGEROND):
                    actor = partner
                actie_transition(
                    actie=actie,
                    naar=naar,
                    actor=actor,
                    reden=scenario.reden if naar in (S.GEWEIGERD, S.GEANNULEERD) else "",
                    uitkomst=scenario.uitkomst[0] if naar == S.AFGEROND else "",
                    uitkomst_tekst=scenario.uitkomst[1] if naar == S.AFGEROND else "",
                )
            actie.refresh_from_db()
            gemaakt.append(f"{actie.pk}: {scenario.type} → {actie.status} ({orgs[scenario.verantwoordelijke].naam})")
    result.created = len(gemaakt)
    result.lines += [f"{len(gemaakt)} demo actions in every state of the workflow", *gemaakt]
    return result
