"""Areas (stadsdeel, wijk, buurt), the code lists and the melding itself.

Geometry is stored in EPSG:28992 (RD New) so distances are metres and the spatial index is used;
everything that leaves the server is transformed to WGS84.
"""

import re

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.utils.translation import gettext_lazy as _

from .storage import foto_opslag
from .workflow import AfwijsReden, MeldingStatus

RD_SRID = 28992

# The staff reference (issue 17). The meldcode is the reporter's secret: whoever holds it reads the status
# and can add to the melding, so staff pages, URLs and exports name a melding by this reference instead.
# Derived from the id (no column, no migration, never reused); at least six digits so it never reads as a
# count, and "M-" so nobody mistakes it for a meldcode (ten characters, no dash after normalising).
REFERENTIE_PREFIX = "M-"
REFERENTIE_PATROON = re.compile(r"^\s*M\s*-?\s*0*(\d{1,10})\s*$", re.IGNORECASE)


def referentie(pk: int) -> str:
    return f"{REFERENTIE_PREFIX}{pk:06d}"


def referentie_id(tekst: str) -> int | None:
    """The id behind a typed reference ("M-000402", "m402", "M 402"), or None."""
    gevonden = REFERENTIE_PATROON.match(tekst or "")
    return int(gevonden.group(1)) if gevonden else None


def referentie_sql(kolom: str) -> str:
    """`referentie()` in SQL, for raw queries that build JSON (lpad would cut ids above six digits)."""
    return f"('{REFERENTIE_PREFIX}' || CASE WHEN {kolom} < 1000000 THEN lpad({kolom}::text, 6, '0') ELSE {kolom}::text END)"


class Stadsdeel(models.Model):
    code = models.CharField(max_length=4, primary_key=True)
    naam = models.CharField(max_length=100)
    geometrie = models.MultiPolygonField(srid=RD_SRID)

    class Meta:
        verbose_name = _("stadsdeel")
        verbose_name_plural = _("stadsdelen")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.naam


class Wijk(models.Model):
    code = models.CharField(max_length=6, primary_key=True)
    naam = models.CharField(max_length=100)
    stadsdeel = models.ForeignKey(Stadsdeel, on_delete=models.PROTECT, related_name="wijken")
    geometrie = models.MultiPolygonField(srid=RD_SRID)

    class Meta:
        verbose_name = _("wijk")
        verbose_name_plural = _("wijken")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.naam


class Buurt(models.Model):
    code = models.CharField(max_length=8, primary_key=True)
    naam = models.CharField(max_length=100)
    cbs_code = models.CharField(max_length=12, blank=True)
    wijk = models.ForeignKey(Wijk, on_delete=models.PROTECT, related_name="buurten")
    # CBS key figures; null where CBS has no row for the buurt (e.g. new or uninhabited buurten).
    inwoners = models.PositiveIntegerField(null=True, blank=True)
    huishoudens = models.PositiveIntegerField(null=True, blank=True)
    oppervlakte_land_ha = models.FloatField(null=True, blank=True)
    geometrie = models.MultiPolygonField(srid=RD_SRID)

    class Meta:
        verbose_name = _("buurt")
        verbose_name_plural = _("buurten")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.naam} ({self.code})"


class CodeLijst(models.Model):
    """A list of stable machine codes with Dutch and English labels, editable by an administrator."""

    code = models.SlugField(max_length=32, primary_key=True)
    label_nl = models.CharField(max_length=120)
    label_en = models.CharField(max_length=120)
    volgorde = models.PositiveSmallIntegerField(default=0)
    actief = models.BooleanField(default=True)

    class Meta:
        abstract = True
        ordering = ["volgorde", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        return self.label_en if (get_language() or "nl").startswith("en") else self.label_nl


class LocatieType(CodeLijst):
    class Meta(CodeLijst.Meta):
        verbose_name = _("soort plek")
        verbose_name_plural = _("soorten plek")


class Waarneming(CodeLijst):
    class Meta(CodeLijst.Meta):
        verbose_name = _("waarneming")
        verbose_name_plural = _("waarnemingen")


class MelderRol(CodeLijst):
    class Meta(CodeLijst.Meta):
        verbose_name = _("rol van de melder")
        verbose_name_plural = _("rollen van de melder")


class Kanaal(models.TextChoices):
    WEB = "web", _("Website")
    SMS = "sms", _("Sms")
    TELEFOON = "telefoon", _("Telefoon")
    IMPORT = "import", _("Import")


class Dagdeel(models.TextChoices):
    OCHTEND = "ochtend", _("Ochtend (6-12 uur)")
    MIDDAG = "middag", _("Middag (12-18 uur)")
    AVOND = "avond", _("Avond (18-24 uur)")
    NACHT = "nacht", _("Nacht (0-6 uur)")


class Frequentie(models.TextChoices):
    EENMALIG = "eenmalig", _("Eén keer")
    MEERDERE_KEREN = "meerdere_keren", _("Meerdere keren")
    DAGELIJKS = "dagelijks", _("(Bijna) elke dag")


class MeldingQuerySet(models.QuerySet):
    def geteld(self) -> "MeldingQuerySet":
        """The meldingen that count (hotspots, map figures, bench): not rejected and not a duplicate.
        The one definition of the rule; raw SQL uses `meldingen.selectors.geteld_sql`."""
        return self.exclude(status=MeldingStatus.AFGEWEZEN).filter(duplicaat_van__isnull=True)


class Melding(models.Model):
    """One anonymous report.

    Deliberately absent: IP address, user agent, cookie or session id, and the exact filing second
    (DOMAIN.md, anonymity rules). `ontvangen_op` is truncated to the hour.
    """

    meldcode = models.CharField(max_length=12, unique=True)
    status = models.CharField(max_length=20, choices=MeldingStatus.choices, default=MeldingStatus.NIEUW)
    afwijs_reden = models.CharField(max_length=30, choices=AfwijsReden.choices, blank=True)
    duplicaat_van = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicaten"
    )
    kanaal = models.CharField(max_length=10, choices=Kanaal.choices)

    locatie = models.PointField(srid=RD_SRID)
    buurt = models.ForeignKey(Buurt, on_delete=models.PROTECT, related_name="meldingen")
    # The place as the reporter or the geocoder named it (never the reporter's own address).
    locatie_omschrijving = models.CharField(max_length=200, blank=True)
    # Issue 17: filed without a point (the geocoder down, no map): the reporter described the place and
    # chose the buurt; `locatie` is a point inside that buurt. Counted in the buurt, kept out of the
    # clustering until a coordinator places it (meldingen.services.melding_plaatsen).
    locatie_onnauwkeurig = models.BooleanField(_("plaats onnauwkeurig"), default=False, db_default=False)
    locatie_type = models.ForeignKey(LocatieType, on_delete=models.PROTECT, related_name="+")
    # Codes of `Waarneming`; an array keeps intake to one insert and lets clustering read one row.
    waarnemingen = ArrayField(models.SlugField(max_length=32))

    observed_at = models.DateTimeField(_("waargenomen op"))
    dagdeel = models.CharField(max_length=10, choices=Dagdeel.choices)
    frequentie = models.CharField(max_length=20, choices=Frequentie.choices, blank=True)
    melder_rol = models.ForeignKey(MelderRol, on_delete=models.PROTECT, related_name="+", default="onbekend")
    omschrijving = models.TextField(blank=True, max_length=settings.MELDING_MAX_OMSCHRIJVING)

    ontvangen_op = models.DateTimeField(_("ontvangen (op het uur)"), db_index=True)
    # sha256 of an imported row's content; makes re-importing a file harmless.
    import_sleutel = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # Keyed hash of the web form's one-time submission key: a reload or double click of the same form
    # finds this melding instead of filing a second one. Random per rendered form, says nothing of the client.
    inzend_sleutel = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # Filed after the same client (daily hash) already filed MELDINGEN_PER_CLIENT_PER_DAG reports today:
    # kept, but the coordinator should weigh it (one person, many reports).
    # db_default: rows inserted with SQL (bench, quality scenarios, demo COPY) are not flagged either.
    boven_daglimiet = models.BooleanField(_("veel meldingen van één melder"), default=False, db_default=False)
    tekst_verwijderd_op = models.DateTimeField(null=True, blank=True)
    # Set when the point was coarsened to a square's centre (DOMAIN.md: after 24 months).
    locatie_vergroofd_op = models.DateTimeField(null=True, blank=True)

    objects = MeldingQuerySet.as_manager()

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-ontvangen_op", "-id"]
        indexes = [
            models.Index(fields=["status", "ontvangen_op"]),
            models.Index(fields=["observed_at"]),
            GinIndex(fields=["waarnemingen"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=MeldingStatus.AFGEWEZEN) | ~models.Q(afwijs_reden=""),
                name="melding_afgewezen_heeft_reden",
            ),
            models.CheckConstraint(
                condition=models.Q(duplicaat_van__isnull=True) | models.Q(afwijs_reden=AfwijsReden.DUBBEL),
                name="melding_duplicaat_alleen_bij_dubbel",
            ),
        ]

    def __str__(self) -> str:
        return self.referentie

    @property
    def referentie(self) -> str:
        return referentie(self.pk)


class MeldingAanvulling(models.Model):
    """What a reporter added later with the meldcode (issue 17): text and/or photos, under the same rules
    as the melding itself (the hour only, contact details taken out, photos stripped; the text and photos
    go with the melding's at the end of the retention period)."""

    melding = models.ForeignKey(Melding, on_delete=models.PROTECT, related_name="aanvullingen")
    tekst = models.TextField(blank=True, max_length=settings.MELDING_MAX_OMSCHRIJVING)
    ontvangen_op = models.DateTimeField(_("ontvangen (op het uur)"))
    # Keyed hash of the form's one-time key: a double click adds once.
    inzend_sleutel = models.CharField(max_length=64, null=True, blank=True, unique=True)
    tekst_verwijderd_op = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("aanvulling")
        verbose_name_plural = _("aanvullingen")
        ordering = ["ontvangen_op", "id"]


class MeldingFoto(models.Model):
    """A photo, re-encoded as JPEG without any metadata before it touches the disk, in private storage
    (meldingen/storage.py): only coordinatie's photo view serves it, to the roles that may see it."""

    melding = models.ForeignKey(Melding, on_delete=models.PROTECT, related_name="fotos")
    # Sent later with an addition (issue 17); still the melding's photo, for access and retention.
    aanvulling = models.ForeignKey(
        MeldingAanvulling, null=True, blank=True, on_delete=models.PROTECT, related_name="fotos"
    )
    bestand = models.ImageField(upload_to="meldingen/%Y/%m/", storage=foto_opslag)
    breedte = models.PositiveIntegerField(default=0)
    hoogte = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("foto")
        verbose_name_plural = _("foto's")


class MeldingEvent(models.Model):
    """Append-only history of a melding's status (database triggers refuse updates and deletes)."""

    melding = models.ForeignKey(Melding, on_delete=models.PROTECT, related_name="events")
    van = models.CharField(max_length=20, blank=True)
    naar = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reden = models.CharField(max_length=30, blank=True)
    toelichting = models.TextField(blank=True)
    # For the creating event this is the hour of filing, like `Melding.ontvangen_op`.
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.melding_id}: {self.van or '-'} → {self.naar}"


class BewaarActie(models.TextChoices):
    TEKST_EN_FOTOS = "tekst_en_fotos", _("Vrije tekst en foto's verwijderd")
    LOCATIES_VERGROOFD = "locaties_vergroofd", _("Locaties vergroofd")


class BewaarRun(models.Model):
    """What one run of a retention task did: when, up to which filing time, how many meldingen and
    photos. The retention tasks are the only thing allowed to thin data, so they answer for it here.
    Append-only (a trigger refuses updates and deletes)."""

    actie = models.CharField(max_length=30, choices=BewaarActie.choices)
    uitgevoerd_op = models.DateTimeField()
    grens = models.DateTimeField(_("meldingen ontvangen vóór"))
    meldingen = models.PositiveIntegerField(default=0)
    fotos = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bewaartermijn-run")
        verbose_name_plural = _("bewaartermijn-runs")
        ordering = ["-uitgevoerd_op", "-id"]

    def __str__(self) -> str:
        return f"{self.get_actie_display()} {self.uitgevoerd_op:%Y-%m-%d %H:%M}: {self.meldingen}"
