"""Public JSON API for intake (no account; the same rules as the web form). The status lookup is in
publiek/api.py."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from basis.openapi import VELDFOUTEN
from basis.parsers import BegrensdeJSONParser

from .models import Kanaal
from .services import melding_create
from .validation import MeldingInvoer


class Tekst(serializers.CharField):
    """A JSON string and nothing else. DRF would store 0 or true as "0"/"True": a body the schema
    (type string) does not allow, and a reporter's text that was never typed (found by the schema fuzzer)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class Getal(serializers.FloatField):
    """A JSON number and nothing else: not "52.3" (a string), not true (a bool is an int in Python)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class MeldingCreateSerializer(serializers.Serializer):
    lat = Getal(help_text="WGS84 latitude")
    lon = Getal(help_text="WGS84 longitude")
    # Bounds before the domain validation runs: a list of a million empty codes once cost 31 s of CPU.
    locatie_type = Tekst(max_length=40, help_text="code, e.g. speelplek, garagebox, portiek")
    waarnemingen = serializers.ListField(child=Tekst(max_length=40), allow_empty=True, max_length=20, help_text="codes")
    observed_at = serializers.DateTimeField(help_text="ISO 8601; without offset it is read as Amsterdam time")
    melder_rol = Tekst(required=False, allow_blank=True, default="onbekend", max_length=40)
    frequentie = Tekst(required=False, allow_blank=True, default="", max_length=40)
    # The domain's own limit (MELDING_MAX_OMSCHRIJVING) gives the friendly message; this only stops abuse.
    omschrijving = Tekst(required=False, allow_blank=True, default="", trim_whitespace=True, max_length=20_000)
    locatie_omschrijving = Tekst(required=False, allow_blank=True, default="", max_length=200)


class MeldingCreatedSerializer(serializers.Serializer):
    meldcode = serializers.CharField()
    status = serializers.CharField()
    buurt_code = serializers.CharField()


def _berichten(fout) -> list[str]:
    """All messages under one field, however DRF nested them (a list field reports per item index)."""
    if isinstance(fout, dict):
        return [b for waarde in fout.values() for b in _berichten(waarde)]
    if isinstance(fout, list | tuple):
        return [b for waarde in fout for b in _berichten(waarde)]
    return [str(fout)]


def _serializer_errors(errors: dict) -> dict[str, list[str]]:
    # The contract (docs/api.md, the schema) is field → list of messages; DRF answers
    # {"waarnemingen": {"1": ["…"]}} for one bad item, which clients would have to special-case.
    return {veld: _berichten(fout) for veld, fout in errors.items()}


def _field_errors(exc: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, messages in exc.message_dict.items():
        # A place outside the city is about both coordinates.
        for key in ("lat", "lon") if field == "locatie" else (field,):
            errors.setdefault(key, []).extend(messages)
    return errors


class MeldingCreateView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []  # anonymous by design: no session, no token, no CSRF cookie
    # JSON only, as documented: form and multipart bodies (files spooled to disk) are surface nobody
    # uses; they now get 415.
    parser_classes = [BegrensdeJSONParser]

    @extend_schema(
        request=MeldingCreateSerializer,
        responses={
            201: MeldingCreatedSerializer,
            # The real body: any field name → its messages (a place outside the city names lat and lon).
            400: OpenApiResponse(VELDFOUTEN, "errors per field"),
        },
        summary="File an anonymous melding",
        examples=[
            # A melding that is accepted (Bijlmerplein): the schema fuzzer replays it, so the 201 and its
            # body are checked too (it moves observed_at into the last year, the window a melding may have).
            OpenApiExample(
                "melding",
                request_only=True,
                value={
                    "lat": 52.3125,
                    "lon": 4.953,
                    "locatie_type": "speelplek",
                    "waarnemingen": ["dealen"],
                    "observed_at": "2026-11-21T21:00:00+01:00",
                    "melder_rol": "bewoner",
                    "omschrijving": "Elke avond.",
                },
            )
        ],
    )
    def post(self, request):
        serializer = MeldingCreateSerializer(data=request.data)
        if not serializer.is_valid():
            return Response(_serializer_errors(serializer.errors), status=status.HTTP_400_BAD_REQUEST)
        data = serializer.validated_data
        invoer = MeldingInvoer(
            lat=data["lat"],
            lon=data["lon"],
            locatie_type=data["locatie_type"],
            waarnemingen=data["waarnemingen"],
            observed_at=data["observed_at"],
            melder_rol=data["melder_rol"],
            frequentie=data["frequentie"],
            omschrijving=data["omschrijving"],
            locatie_omschrijving=data["locatie_omschrijving"],
        )
        try:
            melding = melding_create(
                invoer=invoer, kanaal=Kanaal.WEB, melder_sleutel=getattr(request, "client_token", "")
            )
        except ValidationError as exc:
            return Response(_field_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {"meldcode": melding.meldcode, "status": melding.status, "buurt_code": melding.buurt_id},
            status=status.HTTP_201_CREATED,
        )
