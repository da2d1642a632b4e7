from django.apps import AppConfig


class HotspotsConfig(AppConfig):
    name = "hotspots"
