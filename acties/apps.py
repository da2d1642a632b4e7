from django.apps import AppConfig


class ActiesConfig(AppConfig):
    name = "acties"
