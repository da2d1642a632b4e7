"""What the coordination screens add to a melding: internal notes, and the audit trail of who saw which
melding (DOMAIN.md: "every view of a case by anyone is written to an audit trail").

Both are append-only; database triggers refuse changes (migrations/0001), like MeldingEvent.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meldingen.models import Melding, referentie

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
    """What a person saw; the field keeps its old name `pagina`, the screens call it the kind."""

    MELDING = "melding", _("Meldingpagina")
    # The queue shows the reporter's own words too, so showing a melding there is a view as well. One
    # row per queue load, naming every melding shown (melding_ids/meldcodes).
    WACHTRIJ = "wachtrij", _("Wachtrij")
    BEHEER = "beheer", _("Beheer (admin)")
    FOTO = "foto", _("Foto")
    EXPORT = "export", _("Export inzagelog")
    WACHTRIJ_EXPORT = "wachtrij_export", _("Export wachtrij")


class Inzage(models.Model):
    """One thing a staff user saw: a melding's page (coordinatie or admin), a photo, a queue page of
    meldingen (one row naming all of them), or an export of this trail.

    No foreign key to the melding: the trail must outlive the melding's text (retention) and the
    melding itself, so it keeps the ids and meldcodes as they were. Updates and deletes are refused
    by a trigger.
    """

    gebruiker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    gebruikersnaam = models.CharField(max_length=150)
    # The one melding seen (melding page, admin, photo); empty for a queue load or an export.
    melding_id = models.BigIntegerField(null=True, blank=True)
    meldcode = models.CharField(max_length=12, blank=True)
    # Every melding a list showed, in the order shown (queue loads).
    melding_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    meldcodes = ArrayField(models.CharField(max_length=12), default=list, blank=True)
    foto_id = models.BigIntegerField(null=True, blank=True)
    # The photos a queue load showed as thumbnails (issue 17): the thumbnail view serves only these.
    foto_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    # What else identifies the view, e.g. an export's filter and row count.
    toelichting = models.CharField(max_length=500, blank=True)
    pagina = models.CharField(_("soort"), max_length=20, choices=InzagePagina.choices, default=InzagePagina.MELDING)
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
            GinIndex(fields=["meldcodes"], name="coordinatie_inzage_codes_gin"),
            GinIndex(fields=["melding_ids"], name="coordinatie_inzage_ids_gin"),
        ]
        # The roles' rights, hung on the groups by migration 0002; accounts/roles.py says the same in code.
        permissions = [
            ("werkscherm_zien", _("Kan het werkscherm, meldingen en hotspots zien")),
            ("meldingen_triageren", _("Kan meldingen beoordelen, koppelen en notities maken")),
            ("inzage_lezen", _("Kan het inzagelog lezen")),
        ]

    def __str__(self) -> str:
        wat = self.referentie or ", ".join(self.referenties[:3]) or self.get_pagina_display()
        return f"{self.gebruikersnaam} → {wat} ({self.tijdstip:%Y-%m-%d %H:%M})"

    @property
    def referentie(self) -> str:
        return referentie(self.melding_id) if self.melding_id else ""

    @property
    def referenties(self) -> list[str]:
        """The trail keeps the meldcodes to be searchable by them; pages and exports show these."""
        return [referentie(i) for i in self.melding_ids]


class WachtrijBezoek(models.Model):
    """Where a coordinator's previous visit to the queue ended, for "nieuw sinds mijn vorige bezoek"
    (issue 17). Melding ids only grow, so "new" is an id above `grens`. A visit is a run of queue loads
    less than BEZOEK_PAUZE apart: triaging forty meldingen reloads the queue forty times without JS, and
    that must not make the rest "seen"."""

    gebruiker = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    grens = models.BigIntegerField(default=0)  # the highest melding id when the previous visit ended
    hoogste_id = models.BigIntegerField(default=0)  # the highest melding id at this visit's last load
    laatst_op = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bezoek aan de wachtrij")
        verbose_name_plural = _("bezoeken aan de wachtrij")

    def __str__(self) -> str:
        return f"{self.gebruiker_id}: > {self.grens}"
