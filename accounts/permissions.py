"""DRF permissions over the roles in accounts/roles.py."""

from rest_framework.permissions import BasePermission

from .roles import mag_coordinatie_zien


class CoordinatieToegang(BasePermission):
    """Coordinator, approver, auditor or admin; never a partner or an anonymous user."""

    def has_permission(self, request, view) -> bool:
        return mag_coordinatie_zien(request.user)
