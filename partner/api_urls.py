"""Included at /api/v1/ (config/urls.py): the partner API of issue 15 (docs/api.md)."""

from django.urls import path

from . import api

# <str:pk>: an id that is not a number is the API's JSON 404 (partner/api.py), not the site's HTML one.

urlpatterns = [
    path("partner/acties", api.TicketsView.as_view(), name="api-partner-tickets"),
    path("partner/acties/<str:pk>", api.TicketView.as_view(), name="api-partner-ticket"),
    path("partner/acties/<str:pk>/transitie", api.TransitieView.as_view(), name="api-partner-transitie"),
]
