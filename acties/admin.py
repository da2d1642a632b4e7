from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from basis.admin import AlleenLezenAdmin

from .models import Actie, ActieEvent, ActieInzage, ActieSignaal, ActieType, Convenant, ConvenantVeldenWijziging
from .services import convenant_velden_wijzigen
from .workflow import ZichtbaarVeld


class AlleenLezenMixin:
    """History and actions are never deleted by hand: the history is the case's account."""

    def has_delete_permission(self, request, obj=None):
        return False


class GeschiedenisInline(AlleenLezenAdmin, admin.TabularInline):
    """Written by the services only."""

    extra = 0
    can_delete = False


class VeldwijzigingInline(GeschiedenisInline):
    model = ConvenantVeldenWijziging
    fields = readonly_fields = ("tijdstip", "door_naam", "voor", "na")


class ActieTypeInline(admin.TabularInline):
    model = ActieType
    fk_name = "convenant"
    extra = 0
    can_delete = False
    fields = readonly_fields = ("code", "label_nl")

    def has_add_permission(self, request, obj=None):
        return False  # a type is put under a covenant on the type's own page


class ConvenantForm(forms.ModelForm):
    zichtbare_velden = forms.MultipleChoiceField(
        label=_("zichtbare velden"),
        choices=ZichtbaarVeld.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Wat een partij op een ticket mag zien. Elke wijziging wordt vastgelegd."),
    )

    class Meta:
        model = Convenant
        fields = ("code", "naam", "rechtsgrond", "partijen", "zichtbare_velden", "melder_informatie", "actief")


@admin.register(Convenant)
class ConvenantAdmin(AlleenLezenMixin, admin.ModelAdmin):
    form = ConvenantForm
    list_display = ("code", "naam", "melder_informatie", "actief")
    filter_horizontal = ("partijen",)
    inlines = (ActieTypeInline, VeldwijzigingInline)

    def save_model(self, request, obj, form, change):
        # The field list changes through the service only, so every change (the first one too) leaves
        # its audit row: save everything else with the list as it was, then let the service set it.
        obj.zichtbare_velden = Convenant.objects.get(pk=obj.pk).zichtbare_velden if change else []
        super().save_model(request, obj, form, change)
        convenant_velden_wijzigen(convenant=obj, velden=form.cleaned_data["zichtbare_velden"], door=request.user)


@admin.register(ConvenantVeldenWijziging)
class ConvenantVeldenWijzigingAdmin(AlleenLezenAdmin, admin.ModelAdmin):
    list_display = ("convenant", "tijdstip", "door_naam", "voor", "na")
    list_filter = ("convenant",)
    readonly_fields = ("convenant", "door", "door_naam", "tijdstip", "voor", "na")


@admin.register(ActieType)
class ActieTypeAdmin(AlleenLezenMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "label_nl",
        "convenant",
        "vier_ogen",
        "richt_zich_op_woning",
        "dagen_accepteren",
        "dagen_afronden",
        "publiek_zichtbaar",
        "actief",
    )
    list_filter = ("convenant", "vier_ogen", "richt_zich_op_woning", "actief")
    search_fields = ("code", "label_nl", "label_en")


class ActieEventInline(GeschiedenisInline):
    model = ActieEvent
    fields = readonly_fields = ("created_at", "van", "naar", "actor", "organisatie", "reden")


@admin.register(Actie)
class ActieAdmin(AlleenLezenMixin, LeafletGeoAdmin):
    """Read-mostly: status, parties, target and outcome change through acties.services (checks, history,
    events); an administrator may correct the texts and the plan."""

    list_display = ("id", "type", "status", "urgentie", "verantwoordelijke", "hotspot", "aangemaakt_op")
    list_filter = ("status", "type", "urgentie", "verantwoordelijke")
    list_select_related = ("type", "verantwoordelijke")
    search_fields = ("adres", "bag_id")
    date_hierarchy = "aangemaakt_op"
    inlines = (ActieEventInline,)
    readonly_fields = (
        "type",
        "convenant",
        "status",
        "verantwoordelijke",
        "deelnemers",
        "hotspot",
        "meldingen",
        # Frozen at the first assignment (what reporters are told of), and set through services with history.
        "hotspot_meldingen",
        "afgerond_op",
        "besluit_openbaar_op",
        "adres",
        "bag_id",
        "punt",
        "doelgebied",
        "doelgebied_vastgelegd_op",
        "toegewezen_op",
        "deadline_accepteren",
        "deadline_afronden",
        "uitkomst",
        "uitkomst_tekst",
        "voorgesteld_door",
        "goedgekeurd_door",
        "aangemaakt_op",
        "bijgewerkt_op",
    )

    def has_add_permission(self, request):
        return False  # proposed through actie_voorstellen (checks, history, events)


@admin.register(ActieInzage)
class ActieInzageAdmin(AlleenLezenAdmin, admin.ModelAdmin):
    """The actions' audit trail (partner tickets and lists, action pages, photos): read only."""

    list_display = ("tijdstip", "gebruikersnaam", "organisatie", "soort", "actie_ids")
    list_filter = ("soort", "organisatie")
    search_fields = ("gebruikersnaam",)
    readonly_fields = ("gebruiker", "gebruikersnaam", "organisatie", "actie_ids", "soort", "tijdstip")
    date_hierarchy = "tijdstip"


@admin.register(ActieSignaal)
class ActieSignaalAdmin(AlleenLezenAdmin, admin.ModelAdmin):
    """Reminders and escalations the service-level sweep wrote (issue 14): a record, read only."""

    list_display = ("aangemaakt_op", "actie", "soort", "deadline", "organisatie")
    list_filter = ("soort", "organisatie")
    list_select_related = ("actie", "organisatie")
    readonly_fields = ("actie", "soort", "deadline", "organisatie", "aangemaakt_op")
    date_hierarchy = "aangemaakt_op"
