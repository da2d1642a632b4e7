from django.core.management.base import BaseCommand, CommandError

from hotspots.services import hotspot_recompute

from ._as_of import parse_as_of


class Command(BaseCommand):
    help = "Recompute hotspots from the meldingen observed up to --as-of (default: now)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="ISO 8601 moment; without offset Amsterdam time")

    def handle(self, *args, **options):
        as_of = parse_as_of(options["as_of"])
        res = hotspot_recompute(as_of=as_of)
        if res is None:
            raise CommandError("another hotspot recompute is running; try again later")
        self.stdout.write(
            f"as of {as_of.isoformat()}: {res.clusters} clusters, {len(res.behouden)} kept, "
            f"{len(res.aangemaakt)} new, {len(res.gesplitst)} split off, {len(res.samengevoegd)} merged, "
            f"{len(res.afgekoeld)} cooling/solved"
        )
