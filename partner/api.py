"""The partner API (issue 15): an organisation's own systems read its tickets and make its steps with an
API key, through the same selectors and services as the portal, so the JSON shows exactly what the
covenant allows and a step is checked exactly as on the portal. docs/api.md is the contract.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import time
from dataclasses import asdict
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView
from rest_framework_api_key.permissions import KeyParser

from accounts.models import ApiSleutel
from accounts.services import api_idempotentie_claimen, api_idempotentie_vastleggen, api_sleutel_gebruikt
from acties import selectors, services
from acties.models import Actie, ActieInzageSoort
from acties.services import VOORTGANG_MAX
from acties.workflow import PARTNER_STAPPEN, ActieStatus, InvalidTransition, Uitkomst
from privacy.ratelimit import counter_hit

MAX_AANTAL = 500
STANDAARD_AANTAL = 100
IDEMPOTENCY_KEY_MAX = 255
# Ids above PostgreSQL's integer range name no action; asking the database would be an error, not a 404.
MAX_ID = 2**31 - 1


def _actie_id(pk: str) -> int | None:
    """The id in the URL, or None for anything that cannot be an action's (a 404 like an unknown one)."""
    if not pk.isascii() or not pk.isdigit() or len(pk) > 10:
        return None
    waarde = int(pk)
    return waarde if 0 < waarde <= MAX_ID else None


# --- Authentication, permission, throttle --------------------------------------------------------------


class ApiSleutelAuthenticatie(BaseAuthentication):
    """`Authorization: Api-Key <key>`. The library parses the header and checks the hash; revoked,
    expired and unknown keys, and keys of an organisation that left, are refused with a 401 that says
    which (the caller holds the key, so this tells an attacker nothing new)."""

    parser = KeyParser()

    def authenticate(self, request):
        key = self.parser.get(request)
        if not key:
            return None
        prefix, _punt, _rest = key.partition(".")
        sleutel = ApiSleutel.objects.select_related("organisatie", "gebruiker").filter(prefix=prefix).first()
        if sleutel is None or not sleutel.is_valid(key):
            raise AuthenticationFailed(_("Onbekende API-sleutel."))
        if sleutel.revoked:
            raise AuthenticationFailed(_("Deze API-sleutel is ingetrokken."))
        if sleutel.has_expired:
            raise AuthenticationFailed(_("Deze API-sleutel is verlopen."))
        if not sleutel.organisatie.actief or not sleutel.gebruiker.is_active:
            raise AuthenticationFailed(_("Deze organisatie heeft geen toegang meer."))
        api_sleutel_gebruikt(sleutel=sleutel)
        return sleutel.gebruiker, sleutel

    def authenticate_header(self, request):
        return KeyParser.keyword  # a 401, not a 403, for a request without a key


class ApiSleutelSchema(OpenApiAuthenticationExtension):
    target_class = "partner.api.ApiSleutelAuthenticatie"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`: the organisation's key, made by an administrator and shown once.",
        }


class HeeftApiSleutel(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, ApiSleutel)


class PerSleutelPerMinuut(BaseThrottle):
    """PARTNER_API_PER_MINUUT requests per key in a fixed minute (a Redis counter, as the other limits;
    a Redis outage is a 503 from config/middleware.py, never an unthrottled API)."""

    def allow_request(self, request, view):
        if not isinstance(request.auth, ApiSleutel):
            return True
        venster = int(time.time() // 60)
        self._einde = (venster + 1) * 60
        return counter_hit(f"partner_api:{request.auth.prefix}:{venster}", 60) <= settings.PARTNER_API_PER_MINUUT

    def wait(self):
        return max(1.0, self._einde - time.time())


class PartnerApiView(APIView):
    authentication_classes = [ApiSleutelAuthenticatie]
    permission_classes = [HeeftApiSleutel]
    throttle_classes = [PerSleutelPerMinuut]

    def _inzage(self, request, actie_ids: list[int]) -> None:
        """One audit row per request that returns tickets, listing them all (a sync page is one row)."""
        sleutel = request.auth
        services.actie_inzage_vastleggen(
            gebruiker=request.user,
            actie_ids=actie_ids,
            soort=ActieInzageSoort.API,
            via=f"API-sleutel {sleutel.prefix} ({sleutel.name})",
        )


# --- What goes out -------------------------------------------------------------------------------------


class TicketRijSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="the ticket in this API")
    status = serializers.ChoiceField(choices=ActieStatus.choices)
    status_label = serializers.CharField()
    urgentie = serializers.CharField()
    actie_type = serializers.CharField(allow_null=True, help_text="null when the covenant does not show it")
    verantwoordelijk = serializers.BooleanField(help_text="your organisation carries it out (and makes its steps)")
    deadline_accepteren = serializers.DateTimeField(allow_null=True)
    deadline_afronden = serializers.DateTimeField(allow_null=True)
    bijgewerkt_op = serializers.DateTimeField()
    te_laat = serializers.BooleanField()


class TicketLijstSerializer(serializers.Serializer):
    resultaten = TicketRijSerializer(many=True)
    volgende = serializers.CharField(allow_null=True, help_text="URL of the next page, or null on the last")


class HistorieSerializer(serializers.Serializer):
    tijdstip = serializers.DateTimeField()
    van = serializers.CharField()
    naar = serializers.CharField()
    tekst = serializers.CharField(help_text="only when your own organisation wrote it")


class SignaalSerializer(serializers.Serializer):
    soort = serializers.CharField()
    deadline = serializers.DateTimeField()


class PeriodeSerializer(serializers.Serializer):
    van = serializers.DateField()
    tot = serializers.DateField()


class TicketSerializer(serializers.Serializer):
    """One ticket: the fields any party needs, and those the covenant lists (null when it does not)."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ActieStatus.choices)
    status_label = serializers.CharField()
    urgentie = serializers.CharField()
    verantwoordelijke = serializers.CharField(help_text="the organisation that carries it out")
    verantwoordelijk = serializers.BooleanField()
    gepland_van = serializers.DateTimeField(allow_null=True)
    gepland_tot = serializers.DateTimeField(allow_null=True)
    deadline_accepteren = serializers.DateTimeField(allow_null=True)
    deadline_afronden = serializers.DateTimeField(allow_null=True)
    uitkomst = serializers.CharField()
    uitkomst_label = serializers.CharField()
    te_laat = serializers.BooleanField()
    actie_type = serializers.CharField(allow_null=True)
    partner_samenvatting = serializers.CharField(allow_null=True)
    gebied = serializers.JSONField(allow_null=True, help_text="GeoJSON geometry in WGS84")
    adres = serializers.CharField(allow_null=True)
    bag_id = serializers.CharField(allow_null=True)
    aard_signaal = serializers.ListField(child=serializers.CharField(), allow_null=True)
    periode = PeriodeSerializer(allow_null=True)
    aantal_meldingen = serializers.IntegerField(allow_null=True)
    historie = HistorieSerializer(many=True)
    signalen = SignaalSerializer(many=True, help_text="reminders and escalations addressed to you")


def _ticket_json(ticket: selectors.PartnerActie) -> dict:
    data = asdict(ticket)
    data["gebied"] = json.loads(data.pop("gebied_geojson")) if ticket.gebied_geojson else None
    data["periode"] = {"van": ticket.periode[0], "tot": ticket.periode[1]} if ticket.periode else None
    data["aard_signaal"] = list(ticket.aard_signaal) if ticket.aard_signaal is not None else None
    data["signalen"] = [{"soort": soort, "deadline": deadline} for soort, deadline in ticket.signalen]
    return TicketSerializer(data).data


# --- The endpoints ---------------------------------------------------------------------------------------

_FOUTEN = OpenApiResponse(OpenApiTypes.OBJECT, "parameter or field → list of Dutch messages")
_DETAIL = OpenApiResponse(OpenApiTypes.OBJECT, '{"detail": "…"} in Dutch')
_TOEGANG = {401: _DETAIL, 429: _DETAIL}
_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="the ticket's (action's) id")


def _moment(waarde: datetime | None) -> str | None:
    """As DRF's DateTimeField writes it: ISO 8601 in the site's time zone."""
    return timezone.localtime(waarde).isoformat() if waarde is not None else None


def _cursor_maken(bijgewerkt_op: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{bijgewerkt_op.isoformat()}|{pk}".encode()).decode().rstrip("=")


def _cursor_lezen(tekst: str) -> tuple[datetime, int] | None:
    try:
        ruw = base64.urlsafe_b64decode(tekst + "=" * (-len(tekst) % 4)).decode()
        moment, pk = ruw.split("|")
        tijd = parse_datetime(moment)
        if tijd is None or tijd.tzinfo is None:
            return None
        return tijd, int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


class TicketsView(PartnerApiView):
    @extend_schema(
        operation_id="partner_tickets",
        summary="Your organisation's tickets, oldest change first, for syncing",
        description=(
            "Tickets your organisation carries out or takes part in, ordered by last change (`bijgewerkt_op`) "
            "and id, `aantal` a page. Follow `volgende` until it is null. To sync, keep the highest "
            "`bijgewerkt_op` you received and ask next time with `gewijzigd_na` a minute before it (a change "
            "committing late can carry a slightly earlier time; tickets are identified by id, so an overlap "
            "is harmless). Fetch a ticket's details at its `url`."
        ),
        parameters=[
            OpenApiParameter("status", str, description="a status, or `open` / `gesloten`"),
            OpenApiParameter(
                "gewijzigd_na",
                OpenApiTypes.DATETIME,
                description="only tickets changed after this (ISO 8601 with offset)",
            ),
            OpenApiParameter(
                "aantal", OpenApiTypes.INT, description=f"page size, 1 to {MAX_AANTAL} (default {STANDAARD_AANTAL})"
            ),
            OpenApiParameter("na", str, description="cursor set by `volgende`"),
        ],
        responses={200: TicketLijstSerializer, 400: _FOUTEN, **_TOEGANG},
    )
    def get(self, request):
        fouten: dict[str, list[str]] = {}
        q = request.query_params
        status = q.get("status", "")
        if status and status not in selectors.PARTNER_STATUS_FILTERS:
            fouten["status"] = [_("Onbekende status: %(s)s.") % {"s": status[:40]}]
        gewijzigd_na = None
        if "gewijzigd_na" in q:  # present but empty is an error too, not "no filter"
            try:
                gewijzigd_na = parse_datetime(q["gewijzigd_na"])
            except ValueError:
                gewijzigd_na = None
            if gewijzigd_na is None or gewijzigd_na.tzinfo is None:
                fouten["gewijzigd_na"] = [_("Geef een moment als 2026-12-01T08:00:00+01:00 (ISO 8601, met tijdzone).")]
        aantal = STANDAARD_AANTAL
        if "aantal" in q:
            try:
                aantal = int(q["aantal"])
            except ValueError:
                aantal = 0
            if not 1 <= aantal <= MAX_AANTAL:
                fouten["aantal"] = [_("Geef een aantal van 1 tot en met %(n)d.") % {"n": MAX_AANTAL}]
        na = None
        if q.get("na"):
            na = _cursor_lezen(q["na"])
            if na is None:
                fouten["na"] = [_("Onbekende cursor; volg de link in `volgende`.")]
        if fouten:
            return Response(fouten, status=400)

        rijen = selectors.partner_tickets_sync(
            organisatie=request.auth.organisatie, status=status, gewijzigd_na=gewijzigd_na, na=na, aantal=aantal
        )
        self._inzage(request, [r.id for r in rijen])
        volgende = None
        if len(rijen) == aantal:
            params = q.copy()
            params["na"] = _cursor_maken(rijen[-1].bijgewerkt_op, rijen[-1].id)
            volgende = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        basis = request.build_absolute_uri(request.path)
        # Plain dicts, not TicketRijSerializer (which documents them): a page of 500 through DRF's fields
        # was most of the request's time (bench/partner_api.py).
        resultaten = [
            {
                "id": r.id,
                "url": f"{basis}/{r.id}",
                "status": r.status,
                "status_label": r.status_label,
                "urgentie": r.urgentie,
                "actie_type": r.actie_type,
                "verantwoordelijk": r.verantwoordelijk,
                "deadline_accepteren": _moment(r.deadline_accepteren),
                "deadline_afronden": _moment(r.deadline_afronden),
                "bijgewerkt_op": _moment(r.bijgewerkt_op),
                "te_laat": r.te_laat,
            }
            for r in rijen
        ]
        return Response({"resultaten": resultaten, "volgende": volgende})


class TicketView(PartnerApiView):
    @extend_schema(
        operation_id="partner_ticket",
        summary="One ticket, with the fields your covenant shows",
        description="404 for an action that is not your organisation's ticket, whether or not it exists.",
        parameters=[_ID],
        responses={200: TicketSerializer, 404: _DETAIL, **_TOEGANG},
    )
    def get(self, request, pk: str):
        actie_id = _actie_id(pk)
        if actie_id is None:
            return Response({"detail": _("Niet gevonden.")}, status=404)
        try:
            ticket = selectors.actie_voor_partner(actie_id=actie_id, organisatie=request.auth.organisatie)
        except Actie.DoesNotExist:
            return Response({"detail": _("Niet gevonden.")}, status=404)
        self._inzage(request, [ticket.id])
        return Response(_ticket_json(ticket))


class TransitieSerializer(serializers.Serializer):
    naar = serializers.ChoiceField(choices=sorted(PARTNER_STAPPEN), help_text="the step: the new status")
    toelichting = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=VOORTGANG_MAX,
        default="",
        help_text="the reason (required to decline) or, on completion, the explanation of the outcome",
    )
    uitkomst = serializers.ChoiceField(
        choices=Uitkomst.choices, required=False, allow_null=True, default=None, help_text="required to complete"
    )


class TransitieView(PartnerApiView):
    @extend_schema(
        operation_id="partner_transitie",
        summary="Make a step on a ticket your organisation carries out",
        description=(
            "Accept, decline (with a reason), start or complete (with an outcome) — the portal's steps, "
            "checked by the same service. Answers the ticket as it is after the step. Send an "
            "`Idempotency-Key` header (any unique text up to 255 characters) to make a retry harmless: "
            "the same key with the same body gets the first answer again (header `Idempotent-Replayed: "
            "true`), the same key with another body a 422."
        ),
        parameters=[
            _ID,
            OpenApiParameter(
                "Idempotency-Key", str, location=OpenApiParameter.HEADER, description="unique per intended step"
            ),
        ],
        request=TransitieSerializer,
        examples=[OpenApiExample("accepteren", value={"naar": "geaccepteerd"}, request_only=True)],
        responses={
            200: TicketSerializer,
            400: _FOUTEN,
            403: _DETAIL,
            404: _DETAIL,
            409: _DETAIL,
            422: _FOUTEN,
            **_TOEGANG,
        },
    )
    def post(self, request, pk: str):
        idempotency_key = request.headers.get("Idempotency-Key")
        if idempotency_key is not None and not (0 < len(idempotency_key) <= IDEMPOTENCY_KEY_MAX):
            return Response({"Idempotency-Key": [_("Een Idempotency-Key heeft 1 tot 255 tekens.")]}, status=400)
        if not idempotency_key:
            status, body = self._stap(request, pk)
            return Response(body, status=status)
        verzoek_hash = hashlib.sha256(
            json.dumps([request.path, request.data], sort_keys=True, default=str).encode()
        ).hexdigest()
        with transaction.atomic():
            rij = api_idempotentie_claimen(
                sleutel=request.auth, idempotency_key=idempotency_key, verzoek_hash=verzoek_hash
            )
            if rij.status_code is not None:
                if rij.verzoek_hash != verzoek_hash:
                    return Response(
                        {"Idempotency-Key": [_("Deze Idempotency-Key is al gebruikt voor een ander verzoek.")]},
                        status=422,
                    )
                antwoord = Response(rij.antwoord, status=rij.status_code)
                antwoord["Idempotent-Replayed"] = "true"
                return antwoord
            status, body = self._stap(request, pk)
            api_idempotentie_vastleggen(rij=rij, status_code=status, antwoord=body)
        return Response(body, status=status)

    def _stap(self, request, ruw_pk: str) -> tuple[int, dict]:
        """The step and its answer as (status, JSON body); a refused step is an answer too, so a retry
        under the same Idempotency-Key gets the same refusal."""
        organisatie = request.auth.organisatie
        pk = _actie_id(ruw_pk)
        try:
            if pk is None:
                raise Actie.DoesNotExist
            selectors.actie_voor_partner(actie_id=pk, organisatie=organisatie)
        except Actie.DoesNotExist:
            return 404, {"detail": _("Niet gevonden.")}
        invoer = TransitieSerializer(data=request.data)
        if not invoer.is_valid():
            return 400, json.loads(json.dumps(invoer.errors))
        d = invoer.validated_data
        try:
            services.actie_transition(
                actie=Actie(pk=pk),
                naar=d["naar"],
                actor=request.user,
                reden=d["toelichting"],
                uitkomst=d["uitkomst"] or "",
                uitkomst_tekst=d["toelichting"] if d["naar"] == ActieStatus.AFGEROND else "",
            )
        except InvalidTransition as fout:
            return 409, {
                "detail": _("Deze stap kan nu niet: de actie staat op „%(status)s”.")
                % {"status": ActieStatus(fout.van).label}
            }
        except PermissionDenied:
            return 403, {"detail": _("Alleen de uitvoerende organisatie zet deze stap.")}
        except ValidationError as fout:
            return 400, fout.message_dict
        ticket = selectors.actie_voor_partner(actie_id=pk, organisatie=organisatie)
        self._inzage(request, [ticket.id])
        return 200, json.loads(json.dumps(_ticket_json(ticket), default=str))
