from django.urls import path

from . import views

app_name = "partner"
urlpatterns = [
    path("", views.lijst, name="lijst"),
    path("acties/<int:pk>/", views.ticket, name="ticket"),
    path("acties/<int:pk>/stap/", views.stap, name="stap"),
    path("acties/<int:pk>/voortgang/", views.voortgang, name="voortgang"),
]
