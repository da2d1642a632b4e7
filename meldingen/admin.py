from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from .models import (
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


class MeldingEventInline(admin.TabularInline):
    model = MeldingEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "van", "naar", "reden", "actor", "toelichting")

    def has_add_permission(self, request, obj=None):
        return False  # history is written by the services only


class MeldingFotoInline(admin.TabularInline):
    model = MeldingFoto
    extra = 0
    readonly_fields = ("bestand", "breedte", "hoogte")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Melding)
class MeldingAdmin(LeafletGeoAdmin):
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

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            # The filtered list on a map, assembled in PostGIS; capped so a city-wide list stays light.
            response.context_data["kaart_geojson"] = meldingen_as_geojson(queryset=changelist.queryset, limit=MAP_LIMIT)
            response.context_data["kaart_limit"] = MAP_LIMIT
        return response


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
