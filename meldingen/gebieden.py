"""Loading the city's areas and CBS key figures from a directory or a base URL.

Locally the source is ../shared/data/; in production a mirror of the City's area API and CBS open
data with the same file names (docs/operations.md). Loading is an upsert: running it twice is harmless.
"""

import csv
import io
import json
import urllib.request
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import transaction

from .models import RD_SRID, Buurt, Stadsdeel, Wijk

STADSDELEN = "amsterdam_stadsdelen_2022_wgs84.geojson"
WIJKEN = "amsterdam_wijken_2022_wgs84.geojson"
BUURTEN = "amsterdam_buurten_2022_wgs84.geojson"
CBS = "cbs_kwb2024_amsterdam_buurten.csv"


def _read(source: str, name: str) -> str:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(f"{source.rstrip('/')}/{name}", timeout=60) as response:  # noqa: S310
            return response.read().decode("utf-8")
    return (Path(source) / name).read_text(encoding="utf-8")


def _multipolygon(geometry: dict) -> MultiPolygon:
    geom = GEOSGeometry(json.dumps(geometry), srid=4326)
    geom.transform(RD_SRID)
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom, srid=RD_SRID)
    return geom


def _int(value: str) -> int | None:
    return int(value) if value not in ("", None) else None


def _float(value: str) -> float | None:
    return float(value) if value not in ("", None) else None


@transaction.atomic
def gebieden_load(*, source: str) -> dict[str, int]:
    stadsdelen = json.loads(_read(source, STADSDELEN))["features"]
    wijken = json.loads(_read(source, WIJKEN))["features"]
    buurten = json.loads(_read(source, BUURTEN))["features"]
    cbs = {row["buurt_code"]: row for row in csv.DictReader(io.StringIO(_read(source, CBS)))}

    Stadsdeel.objects.bulk_create(
        [
            Stadsdeel(
                code=f["properties"]["stadsdeel_code"],
                naam=f["properties"]["stadsdeel_naam"],
                geometrie=_multipolygon(f["geometry"]),
            )
            for f in stadsdelen
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["naam", "geometrie"],
    )
    Wijk.objects.bulk_create(
        [
            Wijk(
                code=f["properties"]["wijk_code"],
                naam=f["properties"]["wijk_naam"],
                stadsdeel_id=f["properties"]["stadsdeel_code"],
                geometrie=_multipolygon(f["geometry"]),
            )
            for f in wijken
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["naam", "stadsdeel", "geometrie"],
    )
    rows = []
    for f in buurten:
        p = f["properties"]
        figures = cbs.get(p["buurt_code"], {})
        rows.append(
            Buurt(
                code=p["buurt_code"],
                naam=p["buurt_naam"],
                cbs_code=p.get("cbs_buurt_code") or "",
                wijk_id=p["wijk_code"],
                inwoners=_int(figures.get("inwoners", "")),
                huishoudens=_int(figures.get("huishoudens", "")),
                oppervlakte_land_ha=_float(figures.get("oppervlakte_land_ha", "")),
                geometrie=_multipolygon(f["geometry"]),
            )
        )
    Buurt.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=[
            "naam",
            "cbs_code",
            "wijk",
            "inwoners",
            "huishoudens",
            "oppervlakte_land_ha",
            "geometrie",
        ],
    )
    return {"stadsdelen": len(stadsdelen), "wijken": len(wijken), "buurten": len(rows)}
