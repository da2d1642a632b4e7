from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .forms import InlogForm
from .models import Lidmaatschap
from .roles import mag_coordinatie_zien
from .throttle import APPARAAT_COOKIE


class InloggenView(auth_views.LoginView):
    template_name = "accounts/inloggen.html"
    form_class = InlogForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.geblokkeerd:
            response.status_code = 429
        elif form.onbereikbaar:
            response.status_code = 503
            response["Retry-After"] = "60"
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        # This browser is now known for this account: strangers' failures no longer throttle it.
        response.set_cookie(
            APPARAAT_COOKIE,
            form.apparaat_cookie,
            max_age=settings.LOGIN_DEVICE_COOKIE_AGE,
            path=reverse("accounts:inloggen"),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Strict",
        )
        return response

    def get_success_url(self):
        volgende = self.get_redirect_url()
        if volgende and url_has_allowed_host_and_scheme(volgende, allowed_hosts={self.request.get_host()}):
            return volgende
        if mag_coordinatie_zien(self.request.user):
            return reverse("coordinatie:werkscherm")
        return reverse("accounts:start")


class UitloggenView(auth_views.LogoutView):
    next_page = "accounts:inloggen"


@login_required
def start(request):
    """Where a user without a coordination role lands: a partner sees its organisation (its tickets
    arrive with issue 6)."""
    lidmaatschap = Lidmaatschap.objects.select_related("organisatie").filter(user=request.user).first()
    return render(request, "accounts/start.html", {"lidmaatschap": lidmaatschap})
