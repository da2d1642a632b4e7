import os

from django.core.management.base import BaseCommand, CommandError

from demo.services import DEFAULT_MELDINGEN, DEFAULT_PASSWORD, DEFAULT_SEED, DemoSeedError, demo_seed


class Command(BaseCommand):
    help = (
        "Fills the database with a believable demo city: meldingen over the last six months with hotspots "
        "in Zuidoost and Nieuw-West, smaller ones in Centrum and Noord, and background noise by population, "
        "with a consistent status history. Idempotent: a step whose demo data is already there adds nothing. "
        "Needs the areas (load_gebieden) first. Never run it on a production database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--meldingen",
            type=int,
            default=DEFAULT_MELDINGEN,
            help=f"number of meldingen (default {DEFAULT_MELDINGEN})",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"random seed; another seed is another city (default {DEFAULT_SEED})",
        )

        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD),
            help="password of the demo logins (default: DEMO_PASSWORD or a fixed demo value)",
        )

    def handle(self, *args, meldingen: int, seed: int, password: str, **options):
        if meldingen < 1:
            raise CommandError("--meldingen must be at least 1")
        try:
            steps = demo_seed(meldingen=meldingen, seed=seed, password=password)
        except DemoSeedError as exc:
            raise CommandError(str(exc)) from exc
        for step in steps:
            for line in step.lines:
                self.stdout.write(f"{step.naam}: {line}")
