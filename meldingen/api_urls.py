from django.urls import path

from . import api

urlpatterns = [
    path("meldingen", api.MeldingCreateView.as_view(), name="api-melding-create"),
]
