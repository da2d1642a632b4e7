"""The admin's view of meldingen: read-only, with the photo links through the photo view and every
opened page in the audit trail, like the coordinators' melding page."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletAdminWidget, LeafletGeoAdmin

from meldingen.admin import AlleenLezenMixin
from meldingen.models import Melding, MeldingEvent, MeldingFoto
from meldingen.selectors import meldingen_as_geojson

from .models import InzagePagina
from .services import inzage_vastleggen

MAP_LIMIT = 5000


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
    # The staff reference, never the meldcode (the reporter's secret): searchable here, not shown.
    list_display = ("referentie", "status", "kanaal", "buurt", "locatie_type", "observed_at", "ontvangen_op")
    exclude = ("meldcode",)
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
    # Read-only: every change of a melding goes through its services (status: melding_transition with
    # its history row; the point decides the buurt, the hotspot membership and the map). An edit here
    # left the buurt stale and no history, so the admin only shows (issue 12); coordinators act in
    # their own screens.
    inlines = [MeldingFotoInline, MeldingEventInline]
    settings_overrides = {"DEFAULT_ZOOM": 15}

    @admin.display(description=_("referentie"), ordering="pk")
    def referentie(self, obj):
        return obj.referentie

    def has_add_permission(self, request):
        return False  # meldingen come in through the intake paths, which validate and anonymise

    def has_change_permission(self, request, obj=None):
        return False

    # Read-only, the point would show as text: the map stays, as a display, not as a form field.
    readonly_fields = ("kaart",)

    @admin.display(description=_("plek op de kaart"))
    def kaart(self, obj):
        widget = LeafletAdminWidget(attrs={"settings_overrides": self.settings_overrides})
        # The widget's inline script needs this response's CSP nonce; a display method sees only the
        # object, so get_object() hands it over on this request's own instance.
        widget.csp_nonce = getattr(obj, "_csp_nonce", None)
        widget.modifiable = False  # a display: no drawing tools
        return widget.render("kaart", obj.locatie)

    @property
    def media(self):
        # A view-only form has no Leaflet field, so Leaflet's scripts come with the display's widget.
        return super().media + LeafletAdminWidget().media

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._csp_nonce = getattr(request, "csp_nonce", None)
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # The change page shows the reporter's text and the photo links: a view, like coordinatie's page.
        melding = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and response.status_code == 200 and melding is not None:
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
