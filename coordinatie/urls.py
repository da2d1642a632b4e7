from django.urls import path

from . import acties_views, telefoon_views, views

app_name = "coordinatie"
urlpatterns = [
    path("", views.werkscherm, name="werkscherm"),
    path("meldingen/<int:pk>/", views.melding, name="melding"),
    path("meldingen/zoeken/", views.zoeken, name="zoeken"),
    path("meldingen/export.csv", views.wachtrij_export, name="wachtrij_export"),
    path("meldingen/telefoon/", telefoon_views.melding_telefoon, name="melding_telefoon"),
    path("meldingen/<int:pk>/triage/", views.triage, name="triage"),
    path("meldingen/<int:pk>/plaats/", views.melding_plaats, name="melding_plaats"),
    path("meldingen/bulk/", views.bulk, name="bulk"),
    path("hotspots/<int:pk>/", views.hotspot, name="hotspot"),
    path("fotos/<int:pk>/", views.foto, name="foto"),
    path("fotos/<int:pk>/klein/", views.foto_klein, name="foto_klein"),
    path("acties/", acties_views.acties, name="acties"),
    path("acties/akkoord/", acties_views.akkoord, name="akkoord"),
    path("acties/nieuw/", acties_views.actie_nieuw, name="actie_nieuw"),
    path("acties/<int:pk>/", acties_views.actie, name="actie"),
    path("acties/<int:pk>/stap/", acties_views.actie_stap, name="actie_stap"),
    path(
        "acties/<int:pk>/meldingen-afsluiten/", acties_views.actie_meldingen_afsluiten, name="actie_meldingen_afsluiten"
    ),
    path("acties/<int:pk>/bevestigen/", acties_views.actie_bevestigen, name="actie_bevestigen"),
    path("acties/<int:pk>/besluit/", acties_views.actie_besluit, name="actie_besluit"),
    path("acties/<int:pk>/webhooks/<int:bericht_id>/opnieuw/", acties_views.webhook_opnieuw, name="webhook_opnieuw"),
    path("acties/fotos/<int:pk>/", acties_views.actie_foto, name="actie_foto"),
    path("inzage/", views.inzage, name="inzage"),
    path("inzage/export.csv", views.inzage_export, name="inzage-export"),
]
