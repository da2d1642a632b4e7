from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from .models import BewaarRun, Buurt, LocatieType, MelderRol, Stadsdeel, Waarneming, Wijk

# The meldingen themselves are shown in the admin by coordinatie/admin.py: a staff screen with the
# reporters' words belongs with the other staff screens (and their audit trail), above meldingen.


class AlleenLezenMixin:
    """Meldingen, their history and photos, and the retention record are never deleted by hand: the
    history is the case's account, and only the retention tasks thin data (and record it)."""

    def has_delete_permission(self, request, obj=None):
        return False


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
