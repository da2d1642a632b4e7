from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig, apps


class OutboxConfig(AppConfig):
    name = "outbox"

    def ready(self) -> None:
        # Every installed app's `handlers` module registers its handlers on import; importing them here
        # means the web process, the worker and a management command all know the same handlers.
        for config in apps.get_app_configs():
            if find_spec(f"{config.name}.handlers") is not None:
                import_module(f"{config.name}.handlers")
