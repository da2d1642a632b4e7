"""Webhook endpoints of the partner organisations (issue 15): an administrator registers one, sees its
secret once, and switches it on or off; the messages and their attempts are read only."""

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from basis.admin import AlleenLezenAdmin, overnemen_van_service

from .dienst_sms import dienstnummer_zetten
from .models import DienstNummer, VerzondenEmail, WebhookAbonnement, WebhookBericht, WebhookPoging
from .webhooks import abonnement_maken, url_controleren


class WebhookAbonnementForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookAbonnement
        fields = ("organisatie", "url", "actief")

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            url_controleren(url)
        except ValidationError as fout:
            raise forms.ValidationError(fout.messages) from fout
        return url


@admin.register(WebhookAbonnement)
class WebhookAbonnementAdmin(admin.ModelAdmin):
    form = WebhookAbonnementForm
    list_display = ("organisatie", "url", "actief", "uitgeschakeld_op", "aangemaakt_op")
    list_filter = ("actief", "organisatie")
    readonly_fields = ("uitgeschakeld_op", "uitgeschakeld_reden", "aangemaakt_op")

    def get_readonly_fields(self, request, obj=None):
        # The organisation of an existing endpoint stays: its secret and messages are that organisation's.
        return (*self.readonly_fields, "organisatie") if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            if obj.actief and "actief" in form.changed_data:
                obj.uitgeschakeld_op = None
                obj.uitgeschakeld_reden = ""
            obj.save()
            return
        nieuw, geheim = abonnement_maken(organisatie=obj.organisatie, url=obj.url)
        overnemen_van_service(obj, nieuw)
        messages.warning(
            request,
            _(
                "Het geheim van deze webhook is: %(g)s. Geef het veilig door aan de partner; het wordt niet meer getoond."
            )
            % {"g": geheim},
        )

    def has_delete_permission(self, request, obj=None):
        return False  # the messages refer to it; switch it off instead


class WebhookPogingInline(admin.TabularInline):
    model = WebhookPoging
    fields = readonly_fields = ("tijdstip", "status_code", "fout", "duur_ms")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookBericht)
class WebhookBerichtAdmin(AlleenLezenAdmin, admin.ModelAdmin):
    list_display = ("msg_id", "abonnement", "actie", "type", "status", "pogingen", "volgende_poging_op")
    list_filter = ("status", "type")
    list_select_related = ("abonnement__organisatie",)
    readonly_fields = (
        "abonnement", "actie", "event_sleutel", "volgorde", "msg_id", "type", "payload", "status", "pogingen",
        "volgende_poging_op", "afgeleverd_op", "aangemaakt_op",
    )  # fmt: skip
    inlines = (WebhookPogingInline,)


@admin.register(VerzondenEmail)
class VerzondenEmailAdmin(AlleenLezenAdmin, admin.ModelAdmin):
    """The e-mails about actions and whether the mail server took them: a record, read only."""

    list_display = ("aangemaakt_op", "actie", "soort", "aan", "status", "pogingen")
    list_filter = ("status", "soort")
    readonly_fields = (
        "actie", "event_sleutel", "soort", "aan", "onderwerp", "tekst", "status", "pogingen", "fout",
        "aangemaakt_op", "verzonden_op",
    )  # fmt: skip


class DienstNummerForm(forms.ModelForm):
    # Write-only: the stored number is never shown, only replaced.
    nummer = forms.CharField(
        label=_("Dienstnummer"), max_length=20, help_text=_("Wordt versleuteld bewaard en nooit getoond.")
    )

    class Meta:
        model = DienstNummer
        fields = ("organisatie",)

    def clean_nummer(self):
        nummer = self.cleaned_data["nummer"]
        if not re.fullmatch(r"\+?[\d\s-]{9,16}", nummer):
            raise forms.ValidationError(_("Geef een telefoonnummer, bijvoorbeeld +31 20 123 4567."))
        return nummer


@admin.register(DienstNummer)
class DienstNummerAdmin(admin.ModelAdmin):
    form = DienstNummerForm
    list_display = ("organisatie", "bijgewerkt_op")

    def save_model(self, request, obj, form, change):
        dienst = dienstnummer_zetten(organisatie=form.cleaned_data["organisatie"], nummer=form.cleaned_data["nummer"])
        overnemen_van_service(obj, dienst)
