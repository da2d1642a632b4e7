import io
import sys

from django.core.management.base import BaseCommand, CommandError

from meldingen.importer import COLUMNS, ImportHeaderError, RowError, meldingen_import_csv


class Command(BaseCommand):
    help = (
        "Imports meldingen from a UTF-8 CSV file with the header "
        f"{','.join(COLUMNS)}. "
        "Rows follow the same rules as the web form (meldingen/importer.py has the format). "
        "Each bad row is reported on stderr as 'line N: reason' and skipped; a wrong header aborts. "
        "A row imported before (same content, from any file) is skipped, counted as neither imported "
        "nor rejected, and announced as 'skipped K already imported'. "
        "The last line on stdout is always 'imported N, rejected M'. Use - to read standard input."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the CSV file, or - for standard input")

    def handle(self, *args, file: str, **options):
        stream = io.StringIO(_read_text(file), newline="")

        def report(error: RowError) -> None:
            self.stderr.write(str(error))

        try:
            result = meldingen_import_csv(stream=stream, on_error=report)
        except ImportHeaderError as exc:
            raise CommandError(str(exc)) from exc
        if result.skipped:
            self.stdout.write(f"skipped {result.skipped} already imported")
        self.stdout.write(f"imported {result.imported}, rejected {result.rejected}")


def _read_text(file: str) -> str:
    # Read and decode everything first: a file that is not UTF-8 is refused before any row is stored.
    try:
        if file == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(file, "rb") as handle:
                data = handle.read()
    except OSError as exc:
        raise CommandError(f"cannot read {file}: {exc.strerror}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CommandError(f"{file} is not UTF-8 (line {line}); save it as UTF-8 and try again") from exc
