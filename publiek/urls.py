"""The status lookup's pages. No namespace of their own: config/urls.py puts them with meldingen's under
/melden/ in the residents' namespace `meldingen` (meldingen:status_zoeken), one URL space for residents."""

from django.urls import path

from . import views

urlpatterns = [
    path("status/", views.status_zoeken, name="status_zoeken"),
    path("status/aanvullen/", views.status_aanvullen, name="status_aanvullen"),
    # The old GET URL with the code in it (bookmarks from before): no lookup, on to the form.
    path("status/<str:meldcode>", views.status_oud, name="status_oud"),
]
