from django.urls import path

from . import views

# The status lookup (status/) is publiek's, added to this namespace in config/urls.py.
app_name = "meldingen"
urlpatterns = [
    path("", views.melden, name="melden"),
    path("adres/", views.adres_suggesties, name="adres_suggesties"),
    path("adres/omgekeerd/", views.adres_bij_punt, name="adres_bij_punt"),
    path("adres/aanvullen/", views.adres_aanvullen, name="adres_aanvullen"),
]
