"""The public buurt pages, in the residents' URL space (/buurt/, /en/buurt/), namespace `buurt`."""

from django.urls import path

from . import buurt_views

urlpatterns = [
    path("", buurt_views.buurt_zoeken, name="zoeken"),
    path("<str:code>/", buurt_views.buurt, name="buurt"),
]
