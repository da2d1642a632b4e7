"""View decorators over the roles: an anonymous user is sent to the login page, a logged-in user
without the role gets 403 (never a redirect loop, never a hint of what lies behind)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from .roles import Rol, heeft_rol, mag_coordinatie_zien, mag_partner_portaal, mag_triageren


def geen_toegang(request):
    return render(request, "staf/geen_toegang.html", status=403)


def rol_vereist(check: Callable) -> Callable:
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                return geen_toegang(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def mag_inzage_lezen(user) -> bool:
    """The audit trail: the auditor (privacy officer) and the administrator."""
    return mag_coordinatie_zien(user) and heeft_rol(user, Rol.AUDITOR, Rol.ADMIN)


def mag_goedkeuren(user) -> bool:
    """The four-eyes approval of actions: the approver and the administrator."""
    return mag_triageren(user) and heeft_rol(user, Rol.APPROVER, Rol.ADMIN)


coordinatie_vereist = rol_vereist(mag_coordinatie_zien)
goedkeuren_vereist = rol_vereist(mag_goedkeuren)
triage_vereist = rol_vereist(mag_triageren)
inzage_vereist = rol_vereist(mag_inzage_lezen)
partner_vereist = rol_vereist(mag_partner_portaal)
