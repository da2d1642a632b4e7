"""The admin site at /beheer/: no login form of its own, and only for a verified session.

The admin's own login form checks a password without the login throttle and without the second
step; it sends to ours instead, so /beheer/ has exactly the way in that the staff pages have.
"""

from urllib.parse import quote

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from .tweefactor import tweede_stap


class BeheerSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        # TweeFactorMiddleware already stops an unverified session; this keeps the admin closed even
        # if the middleware were taken out of MIDDLEWARE.
        return super().has_permission(request) and tweede_stap(request.user) is None

    def login(self, request, extra_context=None):
        from .access import geen_toegang

        if request.user.is_authenticated:
            # Fully logged in but no admin rights: our login would send straight back here (a loop).
            return geen_toegang(request)
        volgende = request.GET.get("next") or reverse("admin:index")
        return HttpResponseRedirect(f"{reverse('accounts:inloggen')}?next={quote(volgende, safe='/')}")
