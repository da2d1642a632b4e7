from django.urls import path

from . import views

app_name = "meldingen"
urlpatterns = [
    path("", views.melden, name="melden"),
    path("status/", views.status_zoeken, name="status_zoeken"),
    # The old GET URL with the code in it (bookmarks from before): no lookup, on to the form.
    path("status/<str:meldcode>", views.status_oud, name="status_oud"),
    path("adres/", views.adres_suggesties, name="adres_suggesties"),
    path("adres/omgekeerd/", views.adres_bij_punt, name="adres_bij_punt"),
]
