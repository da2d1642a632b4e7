"""Admin building blocks shared by the apps."""


class AlleenLezenAdmin:
    """A record the services write (audit trails, deliveries, signals): the admin shows it, nobody adds,
    changes or deletes it by hand. Mix in before `admin.ModelAdmin` or an inline."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def overnemen_van_service(obj, gemaakt) -> None:
    """Makes the admin's unsaved `obj` the row a service just created (`gemaakt`), so the admin's log entry
    and redirect point at it: every column copied, and the instance marked as saved."""
    for veld in obj._meta.concrete_fields:
        setattr(obj, veld.attname, getattr(gemaakt, veld.attname))
    obj._state.adding = False
    obj._state.db = gemaakt._state.db
