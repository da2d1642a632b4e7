"""The buurt page's small bar chart of reports per month, drawn on the server as SVG: no script, no
request to another host, and readable by a screen reader through its title, its description and the
table beside it (the chart's text alternative)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import date_format

from .buurt import Maand

BREEDTE, HOOGTE = 600, 220
# Text at 20 user units: about 12 px on a 390 px phone, 17 px at the figure's 32rem maximum.
MARGE_ONDER, MARGE_BOVEN, MARGE_LINKS = 44, 26, 8
KLEIN_HOOGTE = 6  # a hidden month ("minder dan 5") is drawn as a stub, hatched, never as zero


@dataclass(frozen=True)
class Staaf:
    x: float
    y: float
    breedte: float
    hoogte: float
    label: str  # the month, short
    waarde: str  # the figure, or "<5" / a dash (not shown)
    verborgen: bool

    @property
    def tekst_y(self) -> float:
        return round(self.y - 4, 1)


def maanden_grafiek(maanden: list[Maand]) -> dict:
    getoond = [m.totaal.waarde for m in maanden if m.totaal.waarde is not None]
    hoogste = max(getoond, default=0) or 1
    vak = (BREEDTE - MARGE_LINKS * 2) / max(len(maanden), 1)
    ruimte = HOOGTE - MARGE_ONDER - MARGE_BOVEN
    staven = []
    for i, m in enumerate(maanden):
        x = MARGE_LINKS + i * vak + vak * 0.15
        if m.totaal.waarde is not None:
            h = max(ruimte * m.totaal.waarde / hoogste, 1.0)
            waarde, verborgen = str(m.totaal.waarde), False
        else:
            h, waarde, verborgen = KLEIN_HOOGTE, ("<5" if m.totaal.reden == "minder_dan_5" else "\u2013"), True
        staven.append(
            Staaf(
                x=round(x, 1),
                y=round(HOOGTE - MARGE_ONDER - h, 1),
                breedte=round(vak * 0.7, 1),
                hoogte=round(h, 1),
                label=date_format(m.maand, "M"),
                waarde=waarde,
                verborgen=verborgen,
            )
        )
    return {
        "breedte": BREEDTE,
        "hoogte": HOOGTE,
        "as_y": HOOGTE - MARGE_ONDER,
        "label_y": HOOGTE - 16,
        "staven": staven,
    }
