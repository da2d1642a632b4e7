"""Which public figures may be shown (issue 16; DOMAIN.md: at least 5 reports behind every figure).

A figure below K is not shown ("minder dan 5"). That alone is not enough: where published figures add up,
a hidden one can be worked out by subtracting ("a month's total against its parts"). So every table is
checked the way an attacker would read it, and where a hidden cell can be pinned to one value, more is
hidden ("niet getoond") until none can.

What is published, and why that keeps the check exact:
- per buurt and calendar month (complete months only): the number of meldingen, and per kind of place and
  per kind of observation the number of meldingen that name it;
- no sum over months, no wijk, stadsdeel or city figure, no cross-table (place by observation). A running
  or rolling total would let next month's page minus this month's give the new month exactly; an area
  total would give a buurt's hidden figure as the total minus its published neighbours.
So each month of a buurt is one small, independent table: a total T and parts that either add up to T
(places: a melding has one) or each lie in [0, T] with a sum of at least T (observations: one or more).
What an attacker knows of a hidden cell is its label: "minder dan 5" → [0, 4], "niet getoond" → [5, T].
With one linear relation over box-bounded integers, a cell's feasible values form the interval computed
below, so the check is exact: no hidden figure of 1 to 4 can be pinned. (A figure of 0 can be pinned —
"none of the hidden kinds was reported" — which singles out no one.)
"""

from __future__ import annotations

from dataclasses import dataclass

K = 5

VERBORGEN_KLEIN = "minder_dan_5"  # fewer than K reports behind it
VERBORGEN_BESCHERMING = "niet_getoond"  # hidden so that a small figure cannot be worked out


@dataclass(frozen=True)
class Cel:
    waarde: int | None  # None: not shown
    reden: str = ""  # "" when shown, else VERBORGEN_KLEIN or VERBORGEN_BESCHERMING

    @property
    def getoond(self) -> bool:
        return self.waarde is not None


def _grenzen(cel: Cel, totaal: int) -> tuple[int, int]:
    """What an attacker knows of a hidden cell from its label."""
    if cel.reden == VERBORGEN_KLEIN:
        return 0, min(K - 1, totaal)
    return K, totaal


def mogelijke_waarden(delen: dict[str, Cel], totaal: int, *, som: bool) -> dict[str, tuple[int, int]]:
    """For each hidden part, the smallest and largest value consistent with everything shown: the total,
    the shown parts, the labels of the hidden ones, and the relation (`som`: the parts add up to the
    total; otherwise: their sum is at least the total)."""
    verborgen = {k: _grenzen(c, totaal) for k, c in delen.items() if not c.getoond}
    rest = totaal - sum(c.waarde for c in delen.values() if c.waarde is not None)
    onder_alle = sum(lo for lo, _hi in verborgen.values())
    boven_alle = sum(hi for _lo, hi in verborgen.values())
    uit = {}
    for sleutel, (lo, hi) in verborgen.items():
        anderen_lo, anderen_hi = onder_alle - lo, boven_alle - hi
        onder = max(lo, rest - anderen_hi)
        boven = min(hi, rest - anderen_lo) if som else hi
        uit[sleutel] = (onder, boven)
    return uit


def _vastgepind(delen: dict[str, Cel], echte: dict[str, int], totaal: int, *, som: bool) -> bool:
    return any(
        onder == boven and echte[k] > 0 for k, (onder, boven) in mogelijke_waarden(delen, totaal, som=som).items()
    )


def tabel_beschermen(totaal: int, delen: dict[str, int], *, som: bool) -> tuple[Cel, dict[str, Cel]]:
    """The total and its parts as they may be published. `delen` has a value (0 included) for every
    category of the code list. If the total is below K, nothing is shown. Otherwise every part below K
    is hidden, and then, smallest first, parts of K or more until no hidden part of 1..K-1 can be pinned;
    if even hiding all parts does not do it, the total is hidden as well."""
    if totaal < K:
        return Cel(None, VERBORGEN_KLEIN), {k: Cel(None, VERBORGEN_KLEIN) for k in delen}
    cellen = {k: Cel(v) if v >= K else Cel(None, VERBORGEN_KLEIN) for k, v in delen.items()}
    while _vastgepind(cellen, delen, totaal, som=som):
        getoond = sorted((v, k) for k, v in delen.items() if cellen[k].getoond)
        if not getoond:
            return Cel(None, VERBORGEN_BESCHERMING), {
                k: Cel(None, VERBORGEN_KLEIN if v < K else VERBORGEN_BESCHERMING) for k, v in delen.items()
            }
        _v, kleinste = getoond[0]
        cellen[kleinste] = Cel(None, VERBORGEN_BESCHERMING)
    return Cel(totaal), cellen
