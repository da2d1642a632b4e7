from django.apps import AppConfig


class CoordinatieConfig(AppConfig):
    name = "coordinatie"
