"""The public status of a melding as JSON: the same lookup and throttle as the status page."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from basis.openapi import DETAIL

from .services import status_lookup


class PubliekeActieSerializer(serializers.Serializer):
    """An action that followed the melding, as the covenant lets its reporter hear of it."""

    soort = serializers.CharField()
    fase = serializers.ChoiceField(
        choices=["gepland", "bezig", "afgerond", "in_onderzoek", "afgehandeld"],
        help_text="in_onderzoek/afgehandeld: a covenant (Zoeklicht) or type that allows the status only",
    )
    tekst = serializers.CharField(help_text="one plain sentence in the request's language")
    datum = serializers.DateField(allow_null=True, help_text="the day it was completed")
    uitkomst = serializers.CharField(help_text="empty where the covenant forbids telling the outcome")
    samenvatting = serializers.CharField(help_text="the coordinator's public summary; empty for a dwelling")


class PubliekeStatusSerializer(serializers.Serializer):
    meldcode = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    toelichting = serializers.CharField()
    notitie = serializers.CharField(help_text="the coordinator's message to the reporter on closing, or empty")
    buurt_code = serializers.CharField()
    buurt_naam = serializers.CharField()
    ontvangen_op = serializers.DateField()
    acties = PubliekeActieSerializer(many=True)


class MeldingStatusView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        responses={
            200: PubliekeStatusSerializer,
            404: OpenApiResponse(DETAIL, "unknown meldcode"),
            429: OpenApiResponse(DETAIL, "too many unknown codes from this client"),
        },
        summary="Public status of a melding",
    )
    def get(self, request, meldcode: str):
        result, blocked = status_lookup(meldcode=meldcode, token=getattr(request, "client_token", ""))
        if blocked:
            return Response({"detail": "Te veel onbekende meldcodes. Probeer het over een uur opnieuw."}, status=429)
        if result is None:
            return Response({"detail": "Onbekende meldcode."}, status=status.HTTP_404_NOT_FOUND)
        return Response(PubliekeStatusSerializer(result).data)
