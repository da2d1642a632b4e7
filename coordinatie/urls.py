from django.urls import path

from . import views

app_name = "coordinatie"
urlpatterns = [
    path("", views.werkscherm, name="werkscherm"),
    path("meldingen/<int:pk>/", views.melding, name="melding"),
    path("meldingen/<int:pk>/triage/", views.triage, name="triage"),
    path("meldingen/bulk/", views.bulk, name="bulk"),
    path("hotspots/<int:pk>/", views.hotspot, name="hotspot"),
    path("fotos/<int:pk>/", views.foto, name="foto"),
    path("inzage/", views.inzage, name="inzage"),
    path("inzage/export.csv", views.inzage_export, name="inzage-export"),
]
