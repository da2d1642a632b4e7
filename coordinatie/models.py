"""What the coordination screens add to a melding: internal notes, and the audit trail of who saw which
melding (DOMAIN.md: "every view of a case by anyone is written to an audit trail").

Both are append-only; database triggers refuse changes (migrations/0001), like MeldingEvent.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meldingen.models import Melding

NOTITIE_MAX = 2000


class Notitie(models.Model):
    """An internal note on a melding, for staff only: never shown to the reporter or a partner."""

    melding = models.ForeignKey(Melding, on_delete=models.CASCADE, related_name="notities")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tekst = models.TextField(_("notitie"), max_length=NOTITIE_MAX)
    aangemaakt_op = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("interne notitie")
        verbose_name_plural = _("interne notities")
        ordering = ["aangemaakt_op", "id"]

    def __str__(self) -> str:
        return f"{self.melding_id}: {self.tekst[:40]}"


class InzagePagina(models.TextChoices):
    MELDING = "melding", _("Meldingpagina")
    # The queue shows the reporter's own words too, so showing a melding there is a view as well.
    WACHTRIJ = "wachtrij", _("Wachtrij")


class Inzage(models.Model):
    """One view of one melding by one staff user.

    No foreign key to the melding: the trail must outlive the melding's text (retention) and the
    melding itself, so it keeps the id and the meldcode as they were. Updates and deletes are refused
    by a trigger.
    """

    gebruiker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    gebruikersnaam = models.CharField(max_length=150)
    melding_id = models.BigIntegerField()
    meldcode = models.CharField(max_length=12)
    pagina = models.CharField(max_length=20, choices=InzagePagina.choices, default=InzagePagina.MELDING)
    tijdstip = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("inzage")
        verbose_name_plural = _("inzagelog")
        ordering = ["-tijdstip", "-id"]
        indexes = [
            models.Index(fields=["-tijdstip", "-id"]),
            models.Index(fields=["melding_id"]),
            models.Index(fields=["meldcode"]),
            models.Index(fields=["gebruikersnaam", "-tijdstip"]),
        ]
        # The roles' rights, hung on the groups by migration 0002; accounts/roles.py says the same in code.
        permissions = [
            ("werkscherm_zien", _("Kan het werkscherm, meldingen en hotspots zien")),
            ("meldingen_triageren", _("Kan meldingen beoordelen, koppelen en notities maken")),
            ("inzage_lezen", _("Kan het inzagelog lezen")),
        ]

    def __str__(self) -> str:
        return f"{self.gebruikersnaam} → {self.meldcode} ({self.tijdstip:%Y-%m-%d %H:%M})"
