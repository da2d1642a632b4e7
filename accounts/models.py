"""Organisations of the covenant partners, and the binding of a partner user to exactly one of them.

Roles are Django groups (roles.py); an organisation is data, editable in the admin, because partners
join and leave the covenants (DOMAIN.md, "Covenants as data").
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
