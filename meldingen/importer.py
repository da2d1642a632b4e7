"""Bulk intake of meldingen from a CSV file (a partner system's export, or meldingen taken on paper).

The file format is the command-line contract of ARCHITECTURE.md::

    observed_at,lat,lon,locatie_type,waarnemingen,kanaal,melder_rol,omschrijving

- ``observed_at``: ISO 8601 *with* offset (``2025-03-01T21:30:00+01:00`` or ``…Z``); a naive time is
  a bad row, because we cannot know which clock the partner meant.
- ``lat``/``lon``: WGS84 decimal degrees with a dot.
- ``waarnemingen``: codes joined by ``;`` (``dealen;aanloop``).
- ``kanaal``: ``web``, ``sms``, ``telefoon`` or ``import`` — how the melding first reached the city.
- ``melder_rol``: a code, or empty for ``onbekend``.
- ``omschrijving``: may be empty.

Columns are matched by name (any order, surrounding spaces and a UTF-8 byte order mark are tolerated);
a missing, unknown or repeated column aborts the whole import before any row is read.

Every row goes through ``melding_create``, so the rules are exactly those of the web form, the API and
SMS (validation.py: known codes, observed within the last year and not in the future, at most 2000
characters of text, a point inside one of the city's buurten). A bad row is reported with its physical
line number (the header is line 1; a quoted field with line breaks makes a row span several lines and
the row is reported by its first line) and skipped whole. Entirely empty lines are ignored.

Re-importing is harmless: each row gets ``Melding.import_sleutel`` = sha256 of its normalised content
(the moment in UTC, coordinates to 7 decimals, codes, text), so the same row in the same or in another
file is recognised. Such a row counts as *skipped*, neither imported nor rejected. Two reports that
agree on every field including the exact moment, place and text are one report entered twice.

All rows of one run share ``ontvangen_op``: the hour the city received the file (anonymity rule: the
filing time is kept to the hour).
"""

import csv
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Kanaal, Melding
from .services import melding_create
from .validation import MeldingInvoer

COLUMNS = ("observed_at", "lat", "lon", "locatie_type", "waarnemingen", "kanaal", "melder_rol", "omschrijving")
# Rows per database transaction. Every row still has its own savepoint (melding_create is atomic),
# so a bad row never takes good ones with it; batching only saves a commit per row.
BATCH_SIZE = 500
# Bump when the normalisation below changes, so old and new keys cannot be confused.
KEY_VERSION = "v1"
MAX_ECHO = 40


class ImportHeaderError(ValueError):
    """The file does not start with the contract's header; nothing was imported."""


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ImportResult:
    imported: int = 0
    rejected: int = 0
    # Rows whose content was imported before (in an earlier run or earlier in this file).
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)


class _BadRow(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _AlreadyImported(Exception):
    pass


@dataclass(frozen=True)
class _Row:
    invoer: MeldingInvoer
    kanaal: str
    sleutel: str


def meldingen_import_csv(
    *,
    stream: TextIO,
    ontvangen_op: datetime | None = None,
    on_error: Callable[[RowError], None] | None = None,
) -> ImportResult:
    """Imports every good row of a CSV stream (opened with ``newline=""``) and reports the bad ones.

    Raises ImportHeaderError if the header is missing or wrong. ``on_error`` is called for each bad
    row as soon as it is found, so a long import shows its problems while it runs.
    """
    ontvangen = ontvangen_op or timezone.now()
    result = ImportResult()
    records = _records(csv.reader(stream, strict=True))
    positions = _header(records)

    def reject(line: int, reason: str) -> None:
        error = RowError(line=line, reason=reason)
        result.rejected += 1
        result.errors.append(error)
        if on_error is not None:
            on_error(error)

    for batch in _batches(records, BATCH_SIZE):
        rows: list[tuple[int, _Row | str]] = []
        for line, cells in batch:
            try:
                rows.append((line, _parse(cells, positions)))
            except _BadRow as exc:
                rows.append((line, exc.reason))
        # One query per batch instead of one per row; a race with a parallel import of the same
        # rows is still caught by the unique index (see _create).
        keys = [row.sleutel for _line, row in rows if isinstance(row, _Row) and row.sleutel]
        known = set(Melding.objects.filter(import_sleutel__in=keys).values_list("import_sleutel", flat=True))
        with transaction.atomic():
            for line, row in rows:
                if isinstance(row, str):
                    reject(line, row)
                elif row.sleutel in known:
                    result.skipped += 1
                else:
                    try:
                        _create(row, ontvangen_op=ontvangen)
                    except _BadRow as exc:
                        reject(line, exc.reason)
                    except _AlreadyImported:
                        result.skipped += 1
                    else:
                        result.imported += 1
                        known.add(row.sleutel)
    return result


def import_sleutel(
    *,
    observed_at: datetime,
    lat: float,
    lon: float,
    locatie_type: str,
    waarnemingen: Iterable[str],
    kanaal: str,
    melder_rol: str,
    omschrijving: str,
) -> str:
    """sha256 over a row's meaning rather than its spelling: the same moment written with another
    offset, trailing zeros in a coordinate, another order of waarnemingen or an empty melder_rol
    instead of ``onbekend`` all give the same key."""
    content = [
        KEY_VERSION,
        observed_at.astimezone(UTC).isoformat(),
        f"{lat:.7f}",
        f"{lon:.7f}",
        locatie_type,
        sorted(set(waarnemingen)),
        kanaal,
        melder_rol or "onbekend",
        omschrijving.strip(),
    ]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


def _records(reader) -> Iterator[tuple[int, list[str] | _BadRow]]:
    """(first physical line, cells) per record; a record the csv module cannot read becomes a _BadRow."""
    last_line = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield last_line + 1, _BadRow(_("Onleesbare CSV-regel: %(fout)s.") % {"fout": exc})
            last_line = reader.line_num
            continue
        start, last_line = last_line + 1, reader.line_num
        if not cells:  # an empty line
            continue
        yield start, cells


def _header(records: Iterator[tuple[int, list[str] | _BadRow]]) -> dict[str, int]:
    expected = ",".join(COLUMNS)
    first = next(records, None)
    if first is None:
        raise ImportHeaderError(f"the file is empty; expected the header {expected}")
    line, cells = first
    if isinstance(cells, _BadRow) or line != 1:
        raise ImportHeaderError(f"line 1 must be the header {expected}")
    names = [cell.strip().lstrip("\ufeff").strip().lower() for cell in cells]
    missing = [name for name in COLUMNS if name not in names]
    unknown = [name for name in names if name not in COLUMNS]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if missing or unknown or repeated:
        problems = []
        if missing:
            problems.append("missing " + ", ".join(missing))
        if unknown:
            problems.append("unknown " + ", ".join(repr(name) for name in unknown))
        if repeated:
            problems.append("repeated " + ", ".join(repeated))
        raise ImportHeaderError(f"wrong header ({'; '.join(problems)}); expected {expected}")
    return {name: names.index(name) for name in COLUMNS}


def _batches(records: Iterator, size: int) -> Iterator[list]:
    batch = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _echo(value: str) -> str:
    return repr(value if len(value) <= MAX_ECHO else value[:MAX_ECHO] + "…")


def _parse(cells: list[str] | _BadRow, positions: dict[str, int]) -> _Row:
    """Turns text into Python types; whether the values are *allowed* is validation.py's business."""
    if isinstance(cells, _BadRow):
        raise cells
    if len(cells) != len(COLUMNS):
        raise _BadRow(
            _("verwacht %(verwacht)d kolommen, gevonden %(gevonden)d.")
            % {"verwacht": len(COLUMNS), "gevonden": len(cells)}
        )
    raw = {name: cells[index] for name, index in positions.items()}
    problems: list[str] = []

    def parsed(name: str, parse: Callable[[str], object]):
        try:
            return parse(raw[name].strip())
        except _BadRow as exc:
            problems.append(f"{name}: {exc.reason}")
            return None

    observed_at = parsed("observed_at", _moment)
    lat = parsed("lat", _number)
    lon = parsed("lon", _number)
    kanaal = parsed("kanaal", _kanaal)
    if problems:
        raise _BadRow("; ".join(problems))

    waarnemingen = [code.strip() for code in raw["waarnemingen"].split(";") if code.strip()]
    invoer = MeldingInvoer(
        lat=lat,
        lon=lon,
        locatie_type=raw["locatie_type"].strip(),
        waarnemingen=waarnemingen,
        observed_at=observed_at,
        melder_rol=raw["melder_rol"].strip(),
        omschrijving=raw["omschrijving"],
    )
    sleutel = ""
    if not timezone.is_naive(observed_at):  # a naive time is refused by validation; no key needed
        sleutel = import_sleutel(
            observed_at=observed_at,
            lat=invoer.lat,
            lon=invoer.lon,
            locatie_type=invoer.locatie_type,
            waarnemingen=waarnemingen,
            kanaal=kanaal,
            melder_rol=invoer.melder_rol,
            omschrijving=invoer.omschrijving,
        )
    return _Row(invoer=invoer, kanaal=kanaal, sleutel=sleutel)


def _moment(text: str) -> datetime:
    try:
        # Python 3.11 reads the ISO 8601 forms partners send, including a trailing Z.
        return datetime.fromisoformat(text)
    except ValueError:
        raise _BadRow(_("Geen geldige tijd (ISO 8601 met tijdzone): %(waarde)s.") % {"waarde": _echo(text)}) from None


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise _BadRow(_("Geen getal: %(waarde)s.") % {"waarde": _echo(text)})
    return value


def _kanaal(text: str) -> str:
    if text not in Kanaal.values:
        raise _BadRow(
            _("Onbekend kanaal: %(waarde)s (kies uit %(keuzes)s).")
            % {"waarde": _echo(text), "keuzes": ", ".join(Kanaal.values)}
        )
    return text


def _create(row: _Row, *, ontvangen_op: datetime) -> None:
    """Raises _BadRow with the reason the rules refuse the row, _AlreadyImported if a parallel import
    stored the same row first."""
    try:
        melding_create(
            invoer=row.invoer, kanaal=row.kanaal, import_sleutel=row.sleutel or None, ontvangen_op=ontvangen_op
        )
    except ValidationError as exc:
        raise _BadRow(_reason(exc)) from None
    except IntegrityError:
        # Another import of the same content committed between our check and our insert.
        if Melding.objects.filter(import_sleutel=row.sleutel).exists():
            raise _AlreadyImported from None
        raise


def _reason(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
    return " ".join(exc.messages)
