"""Reads of meldingen that are more than a one-liner."""

import json
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import RD_SRID, Buurt, Melding, MeldingEvent
from .services import meldcode_normalize
from .workflow import PUBLIC_LABELS, AfwijsReden, MeldingStatus


def geteld_sql(alias: str = "") -> str:
    """`Melding.objects.geteld()` as a SQL condition for raw queries (clustering, incremental step,
    bench): the one place outside the queryset that spells out which meldingen count."""
    p = f"{alias}." if alias else ""
    return f"{p}status <> '{MeldingStatus.AFGEWEZEN.value}' AND {p}duplicaat_van_id IS NULL"


@dataclass(frozen=True)
class PubliekeStatus:
    """What anyone holding the meldcode may see: never the report's text, photos or exact place."""

    meldcode: str
    status: str
    status_label: str
    toelichting: str
    buurt_naam: str
    ontvangen_op: str  # the hour of filing, as a date only
    acties: tuple = ()


def melding_public_status(*, meldcode: str) -> PubliekeStatus | None:
    code = meldcode_normalize(meldcode)
    melding = (
        Melding.objects.select_related("buurt", "duplicaat_van")
        .only("meldcode", "status", "afwijs_reden", "ontvangen_op", "buurt__naam", "duplicaat_van__status")
        .filter(meldcode=code)
        .first()
    )
    if melding is None:
        return None
    status = melding.status
    toelichting = ""
    if melding.afwijs_reden == AfwijsReden.DUBBEL and melding.duplicaat_van is not None:
        # Somebody else reported the same; the reporter follows that case.
        status = melding.duplicaat_van.status
        toelichting = _("Deze plek was al gemeld. Uw melding is samengevoegd met die eerdere melding.")
    elif status == MeldingStatus.NIEUW:
        toelichting = _("We hebben uw melding ontvangen. Een coördinator bekijkt uw melding zo snel mogelijk.")
    elif status == MeldingStatus.IN_BEHANDELING:
        toelichting = _("Uw melding wordt behandeld en meegenomen in de aanpak van deze buurt.")
    elif status == MeldingStatus.AFGEHANDELD:
        toelichting = _("Uw melding is afgehandeld. Dank u wel dat u dit liet weten.")
    else:
        toelichting = _("Uw melding is bekeken en afgesloten.")
    return PubliekeStatus(
        meldcode=melding.meldcode,
        status=status,
        status_label=str(PUBLIC_LABELS[status]),
        toelichting=str(toelichting),
        buurt_naam=melding.buurt.naam,
        ontvangen_op=melding.ontvangen_op.date().isoformat(),
    )


def melding_events_na(*, melding_id: int, na_event_id: int) -> list[tuple[int, str]]:
    """(id, van) of a melding's history rows after `na_event_id`, oldest first: what a subscriber to
    status texts has not been told yet."""
    return list(
        MeldingEvent.objects.filter(melding_id=melding_id, pk__gt=na_event_id).order_by("pk").values_list("pk", "van")
    )


def meldingen_as_geojson(*, queryset: QuerySet[Melding], limit: int) -> dict:
    """A GeoJSON FeatureCollection (WGS84) of the newest `limit` meldingen of a queryset, for staff maps.

    Coordinates are transformed and serialised by PostGIS; Python only joins the strings.
    """
    rows = (
        queryset.order_by("-ontvangen_op", "-id")
        .annotate(geojson=AsGeoJSON(Transform("locatie", 4326), precision=6))
        .values_list("pk", "meldcode", "status", "geojson")[:limit]
    )
    features = [
        {"type": "Feature", "id": pk, "properties": {"meldcode": code, "status": status}, "geometry": json.loads(geom)}
        for pk, code, status, geom in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def buurt_codes_voor_punten(punten: list[tuple[float, float]]) -> list[str | None]:
    """The buurt holding each RD point (x, y), in one query; None outside every buurt. On a border the
    lowest code wins, so the answer does not depend on the table's order."""
    if not punten:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT (SELECT b.code FROM {Buurt._meta.db_table} b
                    WHERE ST_Contains(b.geometrie, ST_SetSRID(ST_MakePoint(p.x, p.y), %s))
                    ORDER BY b.code LIMIT 1)
            FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS p(x, y, i)
            ORDER BY p.i
            """,  # noqa: S608 -- the table name is ours, values are parameters
            [RD_SRID, [p[0] for p in punten], [p[1] for p in punten]],
        )
        return [row[0] for row in cursor.fetchall()]
