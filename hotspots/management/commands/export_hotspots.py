import json

from django.core.management.base import BaseCommand, CommandError

from hotspots.selectors import hotspots_geojson, scores_bestaan
from hotspots.services import hotspot_recompute

from ._as_of import parse_as_of


class Command(BaseCommand):
    help = "Print the hotspots as a GeoJSON FeatureCollection (WGS84) on stdout."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="ISO 8601 moment; without offset Amsterdam time")

    def handle(self, *args, **options):
        as_of = parse_as_of(options["as_of"]) if options["as_of"] else None
        # A recompute is deterministic per as-of, so running it when that moment was never computed
        # gives exactly what `detect_hotspots --as-of` would have stored.
        if as_of is not None and not scores_bestaan(as_of=as_of) and hotspot_recompute(as_of=as_of) is None:
            raise CommandError("another hotspot recompute is running; try again later")
        self.stdout.write(json.dumps(hotspots_geojson(as_of=as_of), ensure_ascii=False))
