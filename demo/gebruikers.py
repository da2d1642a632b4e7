"""Demo logins for ``seed_demo``: one user per role and one partner user per organisation.

Idempotent: users are found by name and their password is (re)set on every run, so the printed
logins always work. Never run on a production database (the password is a demo value).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from accounts.models import Organisatie
from accounts.roles import Rol
from accounts.services import gebruiker_zetten, tweefactor_vrijstellen

# (username, role, what the login opens)
DEMO_GEBRUIKERS = (
    ("coordinator", Rol.COORDINATOR, "/coordinatie/"),
    ("approver", Rol.APPROVER, "/coordinatie/"),
    ("auditor", Rol.AUDITOR, "/coordinatie/inzage/"),
    ("admin", Rol.ADMIN, "/coordinatie/"),
)
BASIS_URL = "http://127.0.0.1:8000"
DEMO_VRIJSTELLING = "demo-login (seed_demo)"
# The covenant partners; migration 0002 creates the same rows. Created here too so the demo also
# works on a database whose data migrations' rows were flushed; an administrator's edits stay.
DEMO_ORGANISATIES = (
    ("oov", "Gemeente Amsterdam, OOV", "gemeente"),
    ("politie", "Politie Amsterdam", "politie"),
    ("handhaving", "Handhaving gemeente Amsterdam", "handhaving"),
    ("ymere", "Ymere", "woningcorporatie"),
    ("eigen_haard", "Eigen Haard", "woningcorporatie"),
    ("stadgenoot", "Stadgenoot", "woningcorporatie"),
    ("rochdale", "Rochdale", "woningcorporatie"),
    ("de_alliantie", "De Alliantie", "woningcorporatie"),
    ("de_key", "De Key", "woningcorporatie"),
    ("saoa", "SAOA (straatcoaches)", "straatcoaches"),
    ("zoeklicht", "Bureau Zoeklicht", "zoeklicht"),
)


def partner_gebruikersnaam(organisatie: Organisatie) -> str:
    return f"partner-{organisatie.code}".replace("_", "-")


def seed_gebruikers(*, password: str) -> tuple[int, list[str]]:
    """Returns (accounts created, lines to print). Every demo login, and demo/services.py's
    `beheerder`, is exempt from the second factor so `make run` stays one command; the printed
    lines say so."""
    created = 0
    for code, naam, soort in DEMO_ORGANISATIES:
        Organisatie.objects.get_or_create(code=code, defaults={"naam": naam, "soort": soort})
    beheerder = get_user_model().objects.filter(username="beheerder").first()
    if beheerder is not None:
        tweefactor_vrijstellen(user=beheerder, reden=DEMO_VRIJSTELLING)
    regels = [
        f"inloggen: {BASIS_URL}/account/inloggen/",
        "(demo-logins zonder tweestapsverificatie; echte accounts stellen die in bij de eerste login)",
    ]
    for naam, rol, url in DEMO_GEBRUIKERS:
        # The admin role also administers the system in /beheer/.
        user, nieuw = gebruiker_zetten(username=naam, password=password, rol=rol, is_staff=rol == Rol.ADMIN)
        tweefactor_vrijstellen(user=user, reden=DEMO_VRIJSTELLING)
        created += nieuw
        regels.append(f"{rol}: {BASIS_URL}{url}  {naam} / {password}")
    for organisatie in Organisatie.objects.filter(actief=True).order_by("code"):
        naam = partner_gebruikersnaam(organisatie)
        user, nieuw = gebruiker_zetten(username=naam, password=password, rol=Rol.PARTNER, organisatie=organisatie)
        tweefactor_vrijstellen(user=user, reden=DEMO_VRIJSTELLING)
        created += nieuw
        regels.append(f"partner, {organisatie.naam}: {naam} / {password}")
    return created, regels
