from django.contrib import admin

from .models import Lidmaatschap, Organisatie


@admin.register(Organisatie)
class OrganisatieAdmin(admin.ModelAdmin):
    list_display = ("code", "naam", "soort", "actief")
    list_filter = ("soort", "actief")
    search_fields = ("code", "naam")


@admin.register(Lidmaatschap)
class LidmaatschapAdmin(admin.ModelAdmin):
    list_display = ("user", "organisatie")
    list_filter = ("organisatie",)
    search_fields = ("user__username",)
    raw_id_fields = ("user",)
