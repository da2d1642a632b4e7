"""Hotspots: places where counted meldingen concentrate, tracked under a stable id between recomputes.

Geometry in EPSG:28992 like the meldingen; WGS84 only on export.
"""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from meldingen.models import RD_SRID, Buurt, Melding

from .workflow import HotspotEventSoort, HotspotStatus, Trend


class Hotspot(models.Model):
    # Hull of the members buffered by 25 m: never a single report's exact point.
    polygon = models.PolygonField(srid=RD_SRID)
    # The buurt containing the polygon's centroid (null if the centroid lies outside every buurt).
    buurt = models.ForeignKey(Buurt, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=HotspotStatus.choices, default=HotspotStatus.OPKOMEND)
    score = models.FloatField(default=0)
    aantal_meldingen = models.PositiveIntegerField(default=0)
    aantal_dagen = models.PositiveIntegerField(default=0)
    # [[code, count], ...] most frequent first, at most three.
    locatie_types = models.JSONField(default=list)
    waarnemingen = models.JSONField(default=list)
    eerste_melding = models.DateTimeField(null=True)
    laatste_melding = models.DateTimeField(null=True)
    trend = models.CharField(max_length=10, choices=Trend.choices, default=Trend.STABIEL)
    # An action on this hotspot is open (acties sets it through hotspot_aanpak_openen/-sluiten): the
    # status stays in_aanpak whatever the clustering says, until the last action closes.
    aanpak_open = models.BooleanField(default=False, db_default=False)
    samengevoegd_in = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="samengevoegd_uit"
    )
    # The as-of moments of the recompute that created / last touched it (not wall-clock time, so a
    # rerun with the same --as-of writes the same values).
    aangemaakt_op = models.DateTimeField()
    bijgewerkt_op = models.DateTimeField()
    meldingen = models.ManyToManyField(Melding, through="HotspotMelding", related_name="+")

    class Meta:
        verbose_name = _("hotspot")
        verbose_name_plural = _("hotspots")
        ordering = ["-score", "id"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"hotspot {self.pk} ({self.status})"


class HotspotMelding(models.Model):
    # No index of its own: the unique constraint (hotspot, melding) leads with it. Every index here is
    # written for each of the tens of thousands of members a recompute inserts or deletes.
    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="lidmaatschappen", db_index=False)
    melding = models.ForeignKey(Melding, on_delete=models.CASCADE, related_name="+")
    # Linked by a coordinator rather than found by the clustering: the recompute keeps such links.
    handmatig = models.BooleanField(default=False, db_default=False)
    gekoppeld_door = models.CharField(max_length=150, blank=True, default="", db_default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hotspot", "melding"], name="hotspotmelding_uniek")]


class HotspotEvent(models.Model):
    """Append-only history: creation, status changes, merges and splits."""

    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="events")
    soort = models.CharField(max_length=20, choices=HotspotEventSoort.choices)
    van = models.CharField(max_length=20, blank=True)
    naar = models.CharField(max_length=20, blank=True)
    # The other hotspot of a merge or split.
    ander = models.ForeignKey(Hotspot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reden = models.CharField(max_length=200, blank=True)
    as_of = models.DateTimeField()

    class Meta:
        ordering = ["as_of", "id"]

    def __str__(self) -> str:
        return f"{self.hotspot_id}: {self.soort} {self.van or '-'} → {self.naar or '-'}"


class HotspotScore(models.Model):
    """The score per recompute; one row per hotspot and as-of moment."""

    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="scores")
    as_of = models.DateTimeField()
    score = models.FloatField()
    aantal_meldingen = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=HotspotStatus.choices)

    class Meta:
        ordering = ["as_of"]
        constraints = [models.UniqueConstraint(fields=["hotspot", "as_of"], name="hotspotscore_uniek")]


class HotspotDrempel(models.Model):
    """The local minpoints per buurt from the last recompute, so the incremental step can test a new
    melding's neighbourhood against the same threshold without recounting the city."""

    buurt = models.OneToOneField(Buurt, primary_key=True, on_delete=models.CASCADE, related_name="+")
    minpoints = models.PositiveIntegerField()
    as_of = models.DateTimeField()


class HotspotKandidaat(models.Model):
    """A new melding outside every hotspot whose neighbourhood already reaches its buurt's threshold:
    a place that may become a hotspot at the next recompute. The recompute clears them all."""

    melding = models.OneToOneField(Melding, on_delete=models.CASCADE, related_name="+")
    buren = models.PositiveIntegerField()
    minpoints = models.PositiveIntegerField()
    geregistreerd_op = models.DateTimeField()
