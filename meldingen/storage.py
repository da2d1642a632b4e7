"""Where reporters' photos are kept: a directory no web server serves (settings.PRIVATE_MEDIA_ROOT).

The storage has no URL on purpose: a template or admin that tries `foto.bestand.url` fails loudly
instead of printing a direct link. Photos leave the server only through coordinatie's photo view.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PriveOpslag(FileSystemStorage):
    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def url(self, name):
        raise ValueError("Foto's hebben geen directe URL; gebruik coordinatie:foto.")


def foto_opslag():
    from django.core.files.storage import storages

    return storages["fotos"]
