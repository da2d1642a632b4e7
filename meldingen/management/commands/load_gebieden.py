from django.conf import settings
from django.core.management.base import BaseCommand

from meldingen.gebieden import gebieden_load


class Command(BaseCommand):
    help = "Loads stadsdelen, wijken and buurten (+ CBS population) from a directory or base URL."

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", help="directory or URL; default AREAS_SOURCE")

    def handle(self, *args, source=None, **options):
        counts = gebieden_load(source=source or settings.AREAS_SOURCE)
        self.stdout.write(
            f"loaded {counts['stadsdelen']} stadsdelen, {counts['wijken']} wijken, {counts['buurten']} buurten"
        )
