"""Included at /api/v1/ (config/urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("kaart/meldingen", api.KaartMeldingenView.as_view(), name="api-kaart-meldingen"),
    path("hotspots", api.HotspotsView.as_view(), name="api-hotspots"),
    path("kaart/acties", api.ActiesKaartView.as_view(), name="api-kaart-acties"),
]
