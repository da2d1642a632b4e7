from django.urls import path

from . import api

urlpatterns = [
    path("meldingen/<str:meldcode>/status", api.MeldingStatusView.as_view(), name="api-melding-status"),
]
