from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticToken

from .forms import InlogForm, TweedeStapForm, TweeFactorInstellenForm
from .models import Lidmaatschap
from .roles import mag_coordinatie_zien, mag_partner_portaal
from .services import tweefactor_apparaat_voorbereiden, tweefactor_bevestigen
from .throttle import APPARAAT_COOKIE
from .tweefactor import CODE, tweede_stap


def _apparaat_cookie_zetten(response, waarde: str) -> None:
    # This browser is now known for this account: strangers' failures no longer throttle it.
    response.set_cookie(
        APPARAAT_COOKIE,
        waarde,
        max_age=settings.LOGIN_DEVICE_COOKIE_AGE,
        path=reverse("accounts:inloggen"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def _volgende(request) -> str:
    """The page asked for before the login, if it is ours; else where the user's role lands."""
    volgende = request.POST.get("next") or request.GET.get("next") or ""
    if volgende and url_has_allowed_host_and_scheme(
        volgende, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return volgende
    if mag_coordinatie_zien(request.user):
        return reverse("coordinatie:werkscherm")
    if mag_partner_portaal(request.user):
        return reverse("partner:lijst")
    return reverse("accounts:start")


def _met_volgende(url: str, request) -> str:
    volgende = request.POST.get("next") or request.GET.get("next") or ""
    return f"{url}?{urlencode({'next': volgende})}" if volgende else url


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
        if form.apparaat_cookie:  # not yet when a code must follow (TweedeStapForm sets it then)
            _apparaat_cookie_zetten(response, form.apparaat_cookie)
        return response

    def get_success_url(self):
        # The password is right; a second step may still be owed (accounts/tweefactor.py).
        stap = tweede_stap(self.request.user)
        if stap is not None:
            return _met_volgende(reverse(stap), self.request)
        return _volgende(self.request)


@never_cache
def tweede_stap_view(request):
    """The code after the password. Only for a session that owes it; TweeFactorMiddleware sends
    every other page of such a session here."""
    if not request.user.is_authenticated:
        return redirect("accounts:inloggen")
    if tweede_stap(request.user) != CODE:
        return redirect(_volgende(request))
    form = TweedeStapForm(request.POST or None, request=request)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            # A new session key for the raised privilege, then the device in the session: verified.
            request.session.cycle_key()
            django_otp.login(request, form.apparaat)
            if form.apparaat.persistent_id.startswith("otp_static"):
                over = StaticToken.objects.filter(device=form.apparaat).count()
                _herstelcode_bericht(request, over)
            response = redirect(_volgende(request))
            _apparaat_cookie_zetten(response, form.apparaat_cookie)
            return response
        if form.geblokkeerd:
            status = 429
        elif form.onbereikbaar:
            status = 503
    response = render(
        request,
        "accounts/tweede_stap.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=status,
    )
    if status == 503:
        response["Retry-After"] = "60"
    return response


def _herstelcode_bericht(request, over: int) -> None:
    from django.contrib import messages

    messages.warning(
        request,
        _(
            "U bent ingelogd met een herstelcode. Er zijn er nog %(n)d over. "
            "Vraag de beheerder om een nieuwe koppeling als u uw app kwijt bent."
        )
        % {"n": over},
    )


@never_cache
@login_required
def tweefactor_instellen(request):
    """Enrolment: a QR code (drawn here, as SVG: no outside service sees the secret) and the secret in
    text, confirmed with a first code; then the ten recovery codes, shown in this answer only."""
    if user_has_device(request.user):
        # Already set up: a session that still owes its code must not add a second app (that would
        # make the password alone enough); a verified one is told to ask for a reset.
        if tweede_stap(request.user) is not None:
            return redirect(_met_volgende(reverse(CODE), request))
        return render(request, "accounts/tweefactor_instellen.html", {"al_ingesteld": True})
    device = tweefactor_apparaat_voorbereiden(user=request.user)
    form = TweeFactorInstellenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = tweefactor_bevestigen(user=request.user, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            request.session.cycle_key()
            django_otp.login(request, device)
            return render(
                request,
                "accounts/herstelcodes.html",
                {"codes": codes, "volgende": _volgende(request)},
            )
        form.add_error(
            "code", _("Deze code klopt niet. Kijk of de tijd op uw telefoon goed staat en probeer het opnieuw.")
        )
    geheim = _base32(device.bin_key)
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/tweefactor_instellen.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=5, border=2, omitsize=False),
            "geheim": " ".join(geheim[i : i + 4] for i in range(0, len(geheim), 4)),
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )


def _base32(key: bytes) -> str:
    from base64 import b32encode

    return b32encode(key).decode().rstrip("=")


class UitloggenView(auth_views.LogoutView):
    next_page = "accounts:inloggen"


@login_required
def start(request):
    """Where a user without a coordination role lands: a partner goes on to its organisation's tickets
    (/partner/), an account without a role reads what to ask for."""
    if mag_partner_portaal(request.user):
        return redirect("partner:lijst")
    lidmaatschap = Lidmaatschap.objects.select_related("organisatie").filter(user=request.user).first()
    return render(request, "accounts/start.html", {"lidmaatschap": lidmaatschap})
