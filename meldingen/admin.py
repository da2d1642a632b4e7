from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from .models import (
    BewaarRun,
    Buurt,
    LocatieType,
    MelderRol,
    Melding,
    MeldingEvent,
    MeldingFoto,
    Stadsdeel,
    Waarneming,
    Wijk,
)
from .selectors import meldingen_as_geojson

MAP_LIMIT = 5000


class AlleenLezenMixin:
    """Meldingen, their history and photos, and the retention record are never deleted by hand: the
    history is the case's account, and only the retention tasks thin data (and record it)."""

    def has_delete_permission(self, request, obj=None):
        return False


class MeldingEventInline(AlleenLezenMixin, admin.TabularInline):
    model = MeldingEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "van", "naar", "reden", "actor", "toelichting")

    def has_add_permission(self, request, obj=None):
        return False  # history is written by the services only


class MeldingFotoInline(AlleenLezenMixin, admin.TabularInline):
    model = MeldingFoto
    extra = 0
    can_delete = False
    fields = ("foto", "breedte", "hoogte")
    readonly_fields = ("foto", "breedte", "hoogte")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("foto"))
    def foto(self, obj):
        # Never the file's own address: the photo view checks the role and writes the audit trail.
        return format_html('<a href="{}">{}</a>', reverse("coordinatie:foto", args=[obj.pk]), _("Foto bekijken"))


@admin.register(Melding)
class MeldingAdmin(AlleenLezenMixin, LeafletGeoAdmin):
    list_display = ("meldcode", "status", "kanaal", "buurt", "locatie_type", "observed_at", "ontvangen_op")
    list_filter = (
        "status",
        "kanaal",
        "locatie_type",
        "melder_rol",
        "buurt__wijk__stadsdeel",
        "dagdeel",
        "ontvangen_op",
    )
    search_fields = ("meldcode", "buurt__naam", "buurt__code", "locatie_omschrijving")
    list_select_related = ("buurt", "locatie_type")
    date_hierarchy = "observed_at"
    # Status changes go through melding_transition (history, checks); the admin only shows them.
    readonly_fields = (
        "meldcode",
        "status",
        "afwijs_reden",
        "duplicaat_van",
        "kanaal",
        "buurt",
        "ontvangen_op",
        "import_sleutel",
        "tekst_verwijderd_op",
    )
    raw_id_fields = ("duplicaat_van",)
    inlines = [MeldingFotoInline, MeldingEventInline]
    settings_overrides = {"DEFAULT_ZOOM": 15}

    def has_add_permission(self, request):
        return False  # meldingen come in through the intake paths, which validate and anonymise

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # The change page shows the reporter's text and the photo links: a view, like coordinatie's page.
        melding = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and response.status_code == 200 and melding is not None:
            from coordinatie.models import InzagePagina
            from coordinatie.services import inzage_vastleggen

            inzage_vastleggen(melding=melding, gebruiker=request.user, pagina=InzagePagina.BEHEER)
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            # The filtered list on a map, assembled in PostGIS; capped so a city-wide list stays light.
            response.context_data["kaart_geojson"] = meldingen_as_geojson(queryset=changelist.queryset, limit=MAP_LIMIT)
            response.context_data["kaart_limit"] = MAP_LIMIT
        return response


@admin.register(BewaarRun)
class BewaarRunAdmin(AlleenLezenMixin, admin.ModelAdmin):
    list_display = ("uitgevoerd_op", "actie", "grens", "meldingen", "fotos")
    list_filter = ("actie",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Stadsdeel, Wijk)
class GebiedAdmin(LeafletGeoAdmin):
    list_display = ("code", "naam")
    search_fields = ("code", "naam")


@admin.register(Buurt)
class BuurtAdmin(LeafletGeoAdmin):
    list_display = ("code", "naam", "wijk", "inwoners")
    list_filter = ("wijk__stadsdeel",)
    search_fields = ("code", "naam")


@admin.register(LocatieType, Waarneming, MelderRol)
class CodeLijstAdmin(admin.ModelAdmin):
    list_display = ("code", "label_nl", "label_en", "volgorde", "actief")
    list_editable = ("label_nl", "label_en", "volgorde", "actief")
