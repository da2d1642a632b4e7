"""Actions against dealing at a hotspot or address, the types and covenants they fall under, and their
history (issue 13). Types and covenants are seed data an administrator edits in the admin.

Geometry in EPSG:28992 like the meldingen and hotspots.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisatie, OrganisatieSoort
from meldingen.models import RD_SRID, Melding

from .workflow import ActieStatus, MelderInformatie, Uitkomst, Urgentie, ZichtbaarVeld


class Convenant(models.Model):
    code = models.SlugField(max_length=32, primary_key=True)
    naam = models.CharField(_("naam"), max_length=120)
    rechtsgrond = models.TextField(_("rechtsgrond"), blank=True)
    partijen = models.ManyToManyField(Organisatie, verbose_name=_("partijen"), related_name="convenanten", blank=True)
    # Changed only through acties.services.convenant_velden_wijzigen, which writes the audit row.
    zichtbare_velden = ArrayField(
        models.CharField(max_length=32, choices=ZichtbaarVeld.choices),
        verbose_name=_("zichtbare velden"),
        default=list,
        blank=True,
    )
    melder_informatie = models.CharField(
        _("wat de melder mag horen"), max_length=20, choices=MelderInformatie.choices, default=MelderInformatie.VOLLEDIG
    )
    actief = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("convenant")
        verbose_name_plural = _("convenanten")
        ordering = ["naam"]

    def __str__(self) -> str:
        return self.naam


class ConvenantVeldenWijziging(models.Model):
    """Audit of what a covenant lets a party see: one row per change of the field list, with who did
    it and the list before and after. Append-only (a trigger refuses updates and deletes); the names
    are copied, so the row outlives the account."""

    convenant = models.ForeignKey(Convenant, on_delete=models.PROTECT, related_name="veldwijzigingen")
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    door_naam = models.CharField(_("door"), max_length=150)
    tijdstip = models.DateTimeField(_("tijdstip"))
    voor = ArrayField(models.CharField(max_length=32), verbose_name=_("voor"), default=list)
    na = ArrayField(models.CharField(max_length=32), verbose_name=_("na"), default=list)

    class Meta:
        verbose_name = _("wijziging zichtbare velden")
        verbose_name_plural = _("wijzigingen zichtbare velden")
        ordering = ["-tijdstip", "-id"]

    def __str__(self) -> str:
        return f"{self.convenant_id} {self.tijdstip:%Y-%m-%d %H:%M} ({self.door_naam})"

    @property
    def verruimd(self) -> list[str]:
        return sorted(set(self.na) - set(self.voor))


class ActieType(models.Model):
    code = models.SlugField(max_length=32, primary_key=True)
    label_nl = models.CharField(max_length=120)
    label_en = models.CharField(max_length=120)
    omschrijving = models.TextField(_("omschrijving"), blank=True)
    partner_soorten = ArrayField(
        models.CharField(max_length=20, choices=OrganisatieSoort.choices),
        verbose_name=_("soorten partners die dit meestal doen"),
        default=list,
        blank=True,
    )
    # The covenant it falls under; also the covenant's list of covered types (one source of truth).
    convenant = models.ForeignKey(
        Convenant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actie_types",
        verbose_name=_("convenant"),
    )
    vier_ogen = models.BooleanField(_("akkoord van een tweede persoon nodig"), default=False)
    richt_zich_op_woning = models.BooleanField(_("richt zich op een woning"), default=False)
    dagen_accepteren = models.PositiveSmallIntegerField(_("dagen om te accepteren"), default=3)
    dagen_afronden = models.PositiveSmallIntegerField(_("dagen om af te ronden"), default=30)
    publiek_zichtbaar = models.BooleanField(_("publiek zichtbaar"), default=False)
    # A 13b closure: nothing about it is public (buurt page, reporter's status) until the mayor's decision
    # is (Actie.besluit_openbaar_op, set by a coordinator).
    openbaar_na_besluit = models.BooleanField(_("pas openbaar na het besluit"), default=False)
    publieke_tekst_nl = models.CharField(_("publieke tekst (nl)"), max_length=200, blank=True)
    publieke_tekst_en = models.CharField(_("publieke tekst (en)"), max_length=200, blank=True)
    volgorde = models.PositiveSmallIntegerField(default=0)
    actief = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("soort actie")
        verbose_name_plural = _("soorten actie")
        ordering = ["volgorde", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        return self.label_en if (get_language() or "nl").startswith("en") else self.label_nl


class Actie(models.Model):
    type = models.ForeignKey(ActieType, on_delete=models.PROTECT, related_name="acties", verbose_name=_("soort"))
    # The type's covenant when the action was proposed: the basis stays what it was if the type moves.
    convenant = models.ForeignKey(
        Convenant, null=True, blank=True, on_delete=models.PROTECT, related_name="acties", verbose_name=_("convenant")
    )
    status = models.CharField(max_length=20, choices=ActieStatus.choices, default=ActieStatus.VOORGESTELD)
    urgentie = models.CharField(max_length=10, choices=Urgentie.choices, default=Urgentie.NORMAAL)

    verantwoordelijke = models.ForeignKey(
        Organisatie,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="acties_verantwoordelijk",
        verbose_name=_("verantwoordelijke organisatie"),
    )
    # They see the action read-only (a buurtschouw has several).
    deelnemers = models.ManyToManyField(
        Organisatie, blank=True, related_name="acties_deelnemer", verbose_name=_("deelnemende organisaties")
    )

    # Target: a hotspot and/or meldingen and/or an address with its point.
    hotspot = models.ForeignKey(
        "hotspots.Hotspot", null=True, blank=True, on_delete=models.PROTECT, related_name="acties"
    )
    meldingen = models.ManyToManyField(Melding, blank=True, related_name="acties")
    # The hotspot's members when the action was first assigned (issue 16): their reporters see the action
    # on their status page. Frozen like the target area, since a recompute changes the membership.
    hotspot_meldingen = models.ManyToManyField(Melding, blank=True, related_name="acties_via_hotspot")
    adres = models.CharField(_("adres"), max_length=200, blank=True)
    bag_id = models.CharField(_("BAG-id"), max_length=16, blank=True)
    punt = models.PointField(srid=RD_SRID, null=True, blank=True)
    # Where the action is, for the lists' stadsdeel filter: the hotspot's buurt, else the address's,
    # else the first linked melding's (set at proposal and when the hotspot follows a merge).
    buurt = models.ForeignKey(
        "meldingen.Buurt", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("buurt")
    )
    # Copied at the first assignment and never changed after: hotspot polygons change at every
    # recompute, the effect measures need the area as it was when the partner was asked to act.
    doelgebied = models.MultiPolygonField(srid=RD_SRID, null=True, blank=True)
    doelgebied_vastgelegd_op = models.DateTimeField(null=True, blank=True)

    gepland_van = models.DateTimeField(_("gepland vanaf"), null=True, blank=True)
    gepland_tot = models.DateTimeField(_("gepland tot"), null=True, blank=True)
    toegewezen_op = models.DateTimeField(_("toegewezen op"), null=True, blank=True)
    deadline_accepteren = models.DateTimeField(_("accepteren vóór"), null=True, blank=True)
    deadline_afronden = models.DateTimeField(_("afronden vóór"), null=True, blank=True)
    afgerond_op = models.DateTimeField(_("afgerond op"), null=True, blank=True)

    uitkomst = models.CharField(_("uitkomst"), max_length=30, choices=Uitkomst.choices, blank=True)
    uitkomst_tekst = models.TextField(_("toelichting op de uitkomst"), blank=True)
    partner_samenvatting = models.TextField(_("samenvatting voor de partner"), blank=True)
    publieke_samenvatting = models.TextField(_("publieke samenvatting"), blank=True)
    # For coordinators only: never on a partner's ticket or a public page.
    interne_notitie = models.TextField(_("interne notitie"), blank=True)
    # 13b closure: the day the mayor's decision became public (before that, nothing may be published).
    besluit_openbaar_op = models.DateField(_("besluit openbaar op"), null=True, blank=True)

    voorgesteld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("voorgesteld door")
    )
    goedgekeurd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("goedgekeurd door"),
    )
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"))
    bijgewerkt_op = models.DateTimeField(_("bijgewerkt op"))

    class Meta:
        verbose_name = _("actie")
        verbose_name_plural = _("acties")
        ordering = ["-aangemaakt_op", "-id"]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["-aangemaakt_op", "-id"], name="actie_nieuwste"),
            # The lists' default order (earliest deadline first, NULLs last as a btree keeps them).
            models.Index(fields=["deadline_afronden", "id"], name="actie_deadline"),
            # The partner API's sync pages walk this in order (acties.selectors.partner_tickets_sync).
            models.Index(fields=["bijgewerkt_op", "id"], name="actie_gewijzigd"),
            # The public buurt page: a buurt's completed actions, newest first.
            models.Index(
                fields=["buurt", "-afgerond_op"], name="actie_afgerond_buurt", condition=models.Q(status="afgerond")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=ActieStatus.AFGEROND) | ~models.Q(uitkomst=""),
                name="actie_afgerond_heeft_uitkomst",
            ),
            models.CheckConstraint(
                condition=models.Q(goedgekeurd_door__isnull=True)
                | ~models.Q(goedgekeurd_door=models.F("voorgesteld_door")),
                name="actie_vier_ogen",
            ),
        ]

    def __str__(self) -> str:
        return f"actie {self.pk} ({self.type_id}, {self.status})"


class ActieEvent(models.Model):
    """Append-only history of an action (database triggers refuse updates and deletes)."""

    actie = models.ForeignKey(Actie, on_delete=models.PROTECT, related_name="events")
    van = models.CharField(max_length=20, blank=True)
    naar = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The organisation the action was handed to, on an assignment.
    organisatie = models.ForeignKey(Organisatie, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reden = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("actiegeschiedenis")
        verbose_name_plural = _("actiegeschiedenis")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.actie_id}: {self.van or '-'} → {self.naar}"


def _actie_foto_opslag():
    # The reporters' private storage (no URL, no web server): a partner's photo of a dwelling or a
    # street is case data as much as a reporter's.
    from meldingen.storage import foto_opslag

    return foto_opslag()


class ActieFoto(models.Model):
    """A photo a partner adds when completing an action, re-encoded without any metadata before it
    touches the disk (meldingen.services.photo_reencode). Served only by coordinatie's audited view."""

    actie = models.ForeignKey(Actie, on_delete=models.PROTECT, related_name="fotos")
    bestand = models.ImageField(upload_to="acties/%Y/%m/", storage=_actie_foto_opslag)
    breedte = models.PositiveIntegerField(default=0)
    hoogte = models.PositiveIntegerField(default=0)
    door = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    aangemaakt_op = models.DateTimeField()

    class Meta:
        verbose_name = _("foto bij een actie")
        verbose_name_plural = _("foto's bij acties")


class ActieInzageSoort(models.TextChoices):
    TICKET = "ticket", _("Ticket (partner)")
    LIJST = "lijst", _("Lijst van tickets (partner)")
    ACTIEPAGINA = "actiepagina", _("Actiepagina (coördinatie)")
    FOTO = "foto", _("Foto bij een actie")
    API = "api", _("Partner-API (lijst of ticket)")


class ActieInzage(models.Model):
    """Who saw which action, when: every partner ticket view (DOMAIN.md: every view of a case by anyone is
    audited), a partner's list (one row naming every ticket it showed), a coordinator's action page and
    a photo. Append-only; names and organisation copied, so the row outlives the account."""

    gebruiker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    gebruikersnaam = models.CharField(max_length=150)
    organisatie = models.CharField(_("organisatie"), max_length=32, blank=True)
    actie_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    soort = models.CharField(_("soort"), max_length=20, choices=ActieInzageSoort.choices)
    tijdstip = models.DateTimeField()

    class Meta:
        verbose_name = _("inzage van een actie")
        verbose_name_plural = _("inzagelog acties")
        ordering = ["-tijdstip", "-id"]

    def __str__(self) -> str:
        return f"{self.gebruikersnaam} → {self.actie_ids[:5]} ({self.tijdstip:%Y-%m-%d %H:%M})"


class BevestigingWijze(models.TextChoices):
    TER_PLAATSE = "ter_plaatse", _("Zelf ter plaatse gezien")
    TELEFOON = "telefoon", _("Telefonisch bevestigd door een bekende bron")
    PARTNER = "partner", _("Bevestigd door een partner (politie, handhaving, corporatie)")
    DOSSIER = "dossier", _("Blijkt uit een bestaand dossier")


class ActieBevestiging(models.Model):
    """A staff member's confirmation that what the reports say about a dwelling is real (who, when, how):
    the alternative to two independent reports before an action on a home is assigned (issue 14).
    Append-only; the name is copied so the row outlives the account."""

    actie = models.ForeignKey(Actie, on_delete=models.PROTECT, related_name="bevestigingen")
    door = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    door_naam = models.CharField(_("door"), max_length=150)
    tijdstip = models.DateTimeField(_("tijdstip"))
    wijze = models.CharField(_("hoe"), max_length=20, choices=BevestigingWijze.choices)
    toelichting = models.TextField(_("toelichting"), max_length=1000)

    class Meta:
        verbose_name = _("bevestiging door een medewerker")
        verbose_name_plural = _("bevestigingen door medewerkers")
        ordering = ["tijdstip", "id"]

    def __str__(self) -> str:
        return f"{self.actie_id}: {self.get_wijze_display()} ({self.door_naam})"


class SignaalSoort(models.TextChoices):
    HERINNERING_ACCEPTEREN = "herinnering_accepteren", _("Herinnering: accepteren")
    HERINNERING_AFRONDEN = "herinnering_afronden", _("Herinnering: afronden")
    ESCALATIE_ACCEPTEREN = "escalatie_accepteren", _("Te laat: niet geaccepteerd")
    ESCALATIE_AFRONDEN = "escalatie_afronden", _("Te laat: niet afgerond")


class ActieSignaal(models.Model):
    """A service-level reminder (before a deadline, to the responsible organisation) or escalation
    (after it, to the coordinators), recorded once per action, kind and deadline: a reassignment sets
    new deadlines and so earns new reminders. Each row is also an outbox event (`actie.herinnering`,
    `actie.escalatie`) that issue 15's e-mail, SMS and webhooks hang on. Append-only."""

    actie = models.ForeignKey(Actie, on_delete=models.PROTECT, related_name="signalen")
    soort = models.CharField(max_length=30, choices=SignaalSoort.choices)
    deadline = models.DateTimeField()
    organisatie = models.ForeignKey(Organisatie, null=True, on_delete=models.PROTECT, related_name="+")
    aangemaakt_op = models.DateTimeField()

    class Meta:
        verbose_name = _("termijnsignaal")
        verbose_name_plural = _("termijnsignalen")
        ordering = ["-aangemaakt_op", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["actie", "soort", "deadline"], name="actiesignaal_eenmaal"),
        ]

    def __str__(self) -> str:
        return f"{self.actie_id}: {self.soort} ({self.deadline:%Y-%m-%d %H:%M})"
