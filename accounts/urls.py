from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("inloggen/", views.InloggenView.as_view(), name="inloggen"),
    # Under inloggen/: the device cookie (path /account/inloggen/) reaches the code step too, so a
    # wrong code counts on the same counters as a wrong password.
    path("inloggen/code/", views.tweede_stap_view, name="tweede_stap"),
    path("tweestapsverificatie/", views.tweefactor_instellen, name="tweefactor_instellen"),
    path("uitloggen/", views.UitloggenView.as_view(), name="uitloggen"),
    path("", views.start, name="start"),
]
