from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from .models import ApiSleutel, Lidmaatschap, Organisatie, TweeFactorReset, TweeFactorVrijstelling
from .services import api_dienstaccount, tweefactor_resetten


@admin.register(Organisatie)
class OrganisatieAdmin(admin.ModelAdmin):
    list_display = ("code", "naam", "soort", "contact_email", "actief")
    list_filter = ("soort", "actief")
    search_fields = ("code", "naam")


@admin.register(Lidmaatschap)
class LidmaatschapAdmin(admin.ModelAdmin):
    list_display = ("user", "organisatie")
    list_filter = ("organisatie",)
    search_fields = ("user__username",)
    raw_id_fields = ("user",)


@admin.register(TweeFactorVrijstelling)
class TweeFactorVrijstellingAdmin(admin.ModelAdmin):
    list_display = ("user", "reden", "aangemaakt_op")
    search_fields = ("user__username",)
    raw_id_fields = ("user",)


@admin.register(TweeFactorReset)
class TweeFactorResetAdmin(admin.ModelAdmin):
    """The audit trail of resets: read only (the table refuses changes anyway)."""

    list_display = ("tijdstip", "door_naam", "gebruikersnaam", "aantal_apparaten")
    search_fields = ("door_naam", "gebruikersnaam")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-otp's own device admins show a user's TOTP secret (its QR page) and delete devices without a
# trace; the only way to remove a second factor here is the audited reset on the user list.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class GebruikerAdmin(UserAdmin):
    actions = ["tweefactor_resetten_actie"]

    @admin.action(description=_("Tweestapsverificatie resetten (gebruiker stelt opnieuw in)"), permissions=["change"])
    def tweefactor_resetten_actie(self, request, queryset):
        for gebruiker in queryset:
            tweefactor_resetten(gebruiker=gebruiker, door=request.user)
        n = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Tweestapsverificatie van %(n)d gebruiker gereset; vastgelegd in het resetlog.",
                "Tweestapsverificatie van %(n)d gebruikers gereset; vastgelegd in het resetlog.",
                n,
            )
            % {"n": n},
            messages.SUCCESS,
        )


# The library's own key model is unused: partner keys are ApiSleutel, bound to an organisation.
admin.site.unregister(APIKey)


@admin.register(ApiSleutel)
class ApiSleutelAdmin(APIKeyModelAdmin):
    """Make a key for a partner organisation (shown once, after saving), see when each was last used,
    revoke one (for good). Keys are never deleted: the audit trail names them."""

    list_display = (
        "prefix",
        "name",
        "organisatie",
        "created",
        "expiry_date",
        "_has_expired",
        "laatst_gebruikt_op",
        "revoked",
    )
    list_filter = ("organisatie", "revoked")
    list_select_related = ("organisatie",)
    fields = ("name", "organisatie", "expiry_date", "revoked", "prefix", "gebruiker", "laatst_gebruikt_op", "created")

    def get_readonly_fields(self, request, obj=None):
        vast = ("prefix", "gebruiker", "laatst_gebruikt_op", "created")
        if obj is not None:
            vast += ("organisatie",)  # a key moved to another organisation would see its tickets
        if obj is not None and obj.revoked:
            vast += ("name", "revoked", "expiry_date")
        return vast

    def save_model(self, request, obj, form, change):
        if not change:
            obj.gebruiker = api_dienstaccount(organisatie=obj.organisatie)
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False
