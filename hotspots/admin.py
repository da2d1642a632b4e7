from django.contrib.gis import admin

from .models import Hotspot, HotspotEvent, HotspotScore


class HotspotEventInline(admin.TabularInline):
    model = HotspotEvent
    fk_name = "hotspot"
    extra = 0
    can_delete = False
    readonly_fields = ["soort", "van", "naar", "ander", "reden", "as_of"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Hotspot)
class HotspotAdmin(admin.GISModelAdmin):
    list_display = ["id", "status", "score", "aantal_meldingen", "aantal_dagen", "trend", "buurt", "laatste_melding"]
    list_filter = ["status", "trend"]
    # Status changes go through hotspot_transition, never a form field.
    readonly_fields = [f.name for f in Hotspot._meta.fields if f.name != "id"]
    inlines = [HotspotEventInline]


@admin.register(HotspotScore)
class HotspotScoreAdmin(admin.ModelAdmin):
    list_display = ["hotspot", "as_of", "score", "aantal_meldingen", "status"]
    list_filter = ["status"]
