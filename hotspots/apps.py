from django.apps import AppConfig


class HotspotsConfig(AppConfig):
    name = "hotspots"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 (connects the signal receivers)
