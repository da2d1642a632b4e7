from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import Event, HandledEvent
from .services import events_opnieuw_proberen


class HandledInline(admin.TabularInline):
    model = HandledEvent
    extra = 0
    can_delete = False
    readonly_fields = ["handler"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: operators look for events that stay open or became dead letters, and send them again."""

    list_display = ["id", "type", "object_id", "created_hour", "done", "attempts", "last_error"]
    list_filter = ["done", "type"]
    ordering = ["done", "-id"]  # open events (and dead letters) first, newest first
    search_fields = ["=object_id", "=sleutel"]
    readonly_fields = ["sleutel", "type", "object_id", "data", "created_hour", "done", "attempts", "last_error"]
    inlines = [HandledInline]
    actions = ["opnieuw_proberen"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Opnieuw proberen (pogingen op nul)"), permissions=["view"])
    def opnieuw_proberen(self, request, queryset) -> None:
        aantal = events_opnieuw_proberen(event_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("%(n)s events staan weer open.") % {"n": aantal}, messages.SUCCESS)
