"""Organisations of the covenant partners, and the binding of a partner user to exactly one of them.

Roles are Django groups (roles.py); an organisation is data, editable in the admin, because partners
join and leave the covenants (DOMAIN.md, "Covenants as data").
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey


class OrganisatieSoort(models.TextChoices):
    GEMEENTE = "gemeente", _("Gemeente")
    POLITIE = "politie", _("Politie")
    HANDHAVING = "handhaving", _("Handhaving")
    WONINGCORPORATIE = "woningcorporatie", _("Woningcorporatie")
    STRAATCOACHES = "straatcoaches", _("Straatcoaches")
    ZOEKLICHT = "zoeklicht", _("Bureau Zoeklicht")


class Organisatie(models.Model):
    code = models.SlugField(max_length=32, primary_key=True)
    naam = models.CharField(_("naam"), max_length=120)
    soort = models.CharField(_("soort"), max_length=20, choices=OrganisatieSoort.choices)
    actief = models.BooleanField(_("actief"), default=True)
    # Where tickets and reminders for the organisation go (a team mailbox, not a person).
    contact_email = models.EmailField(_("contact-e-mail"), blank=True)
    # Codes of the action types (acties.ActieType) the organisation carries out; a plain list rather
    # than a relation, so accounts stays below acties. Used to suggest partners, never to refuse one.
    werkzaamheden = ArrayField(
        models.SlugField(max_length=32), verbose_name=_("werkzaamheden"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["naam"]

    def __str__(self) -> str:
        return self.naam


class Lidmaatschap(models.Model):
    """A partner user belongs to one organisation and sees only its tickets (issue 6 onwards).

    One-to-one on the user: a second organisation needs a second account, so what a user may see
    never depends on which organisation they "act for" at the moment.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lidmaatschap")
    organisatie = models.ForeignKey(Organisatie, on_delete=models.PROTECT, related_name="leden")

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisatie_id}"


class TweeFactorVrijstelling(models.Model):
    """A login that may work without a second factor although STAFF_2FA_VERPLICHT is on.

    Meant for the demo logins of ``seed_demo`` (so ``make run`` stays one command) and nothing else;
    an exempt user who has set up a device is still asked for its code (accounts/tweefactor.py).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tweefactor_vrijstelling"
    )
    reden = models.CharField(_("reden"), max_length=200)
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("vrijstelling tweestapsverificatie")
        verbose_name_plural = _("vrijstellingen tweestapsverificatie")

    def __str__(self) -> str:
        return f"{self.user}: {self.reden}"


class TweeFactorReset(models.Model):
    """Audit row: an administrator removed a user's second-factor devices. Append-only (a trigger
    refuses updates and deletes); no foreign keys, so the row outlives both accounts and keeps the
    names as they were."""

    door_id = models.BigIntegerField()
    door_naam = models.CharField(_("door"), max_length=150)
    gebruiker_id = models.BigIntegerField()
    gebruikersnaam = models.CharField(_("gebruiker"), max_length=150)
    aantal_apparaten = models.PositiveIntegerField(_("verwijderde apparaten"))
    tijdstip = models.DateTimeField(_("tijdstip"), default=timezone.now)

    class Meta:
        verbose_name = _("reset tweestapsverificatie")
        verbose_name_plural = _("resets tweestapsverificatie")
        ordering = ["-tijdstip", "-id"]

    def __str__(self) -> str:
        return f"{self.door_naam} → {self.gebruikersnaam} ({self.tijdstip:%Y-%m-%d %H:%M})"


class ApiSleutel(AbstractAPIKey):
    """A partner organisation's key to the partner API (issue 15). The library stores only a hash of
    the key (sha512; a random 32-character secret needs no slow hash) and a prefix to find it by; the key
    itself is shown once, when it is made. Requests made with it act as the organisation's service
    account `gebruiker` (no password, cannot log in), so the partner API goes through the same services
    and rules as the portal."""

    organisatie = models.ForeignKey(Organisatie, on_delete=models.PROTECT, related_name="api_sleutels")
    gebruiker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    laatst_gebruikt_op = models.DateTimeField(_("laatst gebruikt op"), null=True, blank=True)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")


class ApiIdempotentie(models.Model):
    """The answer given to a POST with an `Idempotency-Key` header, kept so a retry of the same request
    gets the same answer instead of doing the step twice. A key is per API key; the hash of the
    method, path and body tells a true retry from a different request under a reused key."""

    sleutel = models.ForeignKey(ApiSleutel, on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.CharField(max_length=255)
    verzoek_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    antwoord = models.JSONField(null=True)
    aangemaakt_op = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sleutel", "idempotency_key"], name="api_idempotentie_eenmaal")]

    def __str__(self) -> str:
        return f"{self.sleutel_id}: {self.idempotency_key}"
