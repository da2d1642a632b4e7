from django.apps import AppConfig


class PubliekConfig(AppConfig):
    name = "publiek"
