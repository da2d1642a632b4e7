from django.urls import path

from . import views

app_name = "meldingen"
urlpatterns = [
    path("", views.melden, name="melden"),
    path("status/", views.status_zoeken, name="status_zoeken"),
    path("status/<str:meldcode>", views.status, name="status"),
    path("adres/", views.adres_suggesties, name="adres_suggesties"),
    path("adres/omgekeerd/", views.adres_bij_punt, name="adres_bij_punt"),
]
