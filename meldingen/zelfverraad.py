"""Does a melding's free text give its reporter away?

A reporter is anonymous to us, but a text such as "vanuit mijn raam", "mijn buurman" or "ik woon op 34"
tells anyone who later reads it, a partner or the person reported, who in the street wrote it. The
coordinator must see that risk before anything of the text is passed on (issue 14).

The rules are regular expressions over Dutch and English, written on
`tests/meldingen/data/zelfverraad_ontwikkel.jsonl` and measured on the held-out
`zelfverraad_toets.jsonl` (see its README for the labelling rule). They flag, they never change the
text: a false alarm costs the coordinator a glance, a miss can cost a reporter their safety, so the
rules lean to recall.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Possessives of the first person; "m'n" is how Dutch writes "mijn" when typed fast.
_IK = r"(?:mijn|m'n|mn|onze|ons|my|our)"

# Places where only a handful of households live or work. Dutch compounds end in the place
# ("slaapkamerraam", "klaslokaal", "bovenwoning"), so the Dutch nouns match as word endings.
_PLEK_NL = (
    "raam|ramen|deur|balkon|tuin|tuintje|portiek|trappenhuis|trap|galerij|flat|gebouw|huis|woning|"
    "appartement|schuur|schuurtje|berging|box|garage|parkeerplek|parkeerplaats|oprit|stoep|straat|straatje|"
    "hal|lift|complex|blok|erf|kamer|keuken|winkel|zaak|snackbar|bakkerij|kapsalon|lokaal|klas|werkplek|"
    "kantoor|praktijk|voorgevel|gevel|brievenbus|slaapkamer|zolder|kelder|souterrain|etalage|winkelruit"
)
_PLEK_EN = (
    "window|windows|door|balcony|garden|yard|backyard|stairwell|staircase|stairs|landing|gallery|flat|"
    "building|house|home|apartment|shed|storage|garage|parking spot|parking space|driveway|street|"
    "hallway|porch|block|shop|store|classroom|office|workplace|bedroom|kitchen|basement|doorstep"
)
_RELATIE_NL = (
    "buurman|buurvrouw|buren|buurjongen|buurmeisje|buurkinderen|zoon|zoontje|dochter|dochtertje|kind|"
    "kinderen|broer|zus|zusje|broertje|neef|nicht|vader|moeder|man|vrouw|vriend|vriendin|oom|tante|opa|oma|"
    "kleinzoon|kleindochter|collega|collega's|huisgenoot|huisgenoten|huisbaas|verhuurder|ouders|familie"
)
_RELATIE_EN = (
    "neighbour|neighbours|neighbor|neighbors|son|daughter|kid|kids|child|children|brother|sister|cousin|"
    "nephew|niece|husband|wife|partner|boyfriend|girlfriend|friend|colleague|colleagues|flatmate|"
    "roommate|landlord|mum|mom|dad|parents|family"
)
# Roles of which a place has one or two: naming one names the reporter.
_ROL = (
    "conci[eë]rge|buurtconci[eë]rge|huismeester|beheerder|complexbeheerder|portier|caretaker|janitor|"
    "concierge|superintendent|building manager|doorman|eigenaar|uitbater|owner|huisarts|apotheker|"
    "wijkverpleegkundige|thuiszorg|trainer|coach|manager|night manager|nachtportier|teamleider|directeur|"
    "leerkracht|juf|meester|docent|teacher|nurse|doctor"
)
# At most two words between the possessive and the noun: "mijn oudste zoon", "my downstairs neighbour".
_TUSSEN = r"(?:[\w'-]+\s+){0,2}?"

_GROET = (
    r"(?i:met\s+vriendelijke\s+groet(?:en)?|vriendelijke\s+groet(?:en)?|groet(?:en|jes)?|gr\.?|mvg|"
    r"kind\s+regards|regards|best|cheers|thanks|bedankt)"
)
_NAAM = r"[A-Z][a-zà-ÿ]+(?:\s+(?:van|de|der|den|ten|ter|el|al|[A-Z][a-zà-ÿ]+))*"


@dataclass(frozen=True)
class _Regel:
    reden: str
    patroon: re.Pattern[str]


def _r(patroon: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(patroon, flags)


REDENEN: dict[str, Promise] = {
    "plek": _("eigen woning, portiek of werkplek"),
    "relatie": _("buren of familie van de melder"),
    "huisnummer": _("eigen huisnummer of een nummer naast het gemelde adres"),
    "rol": _("eigen rol ter plekke"),
    "naam": _("een naam"),
    "contact": _("telefoonnummer of e-mailadres"),
}

_REGELS = (
    _Regel("plek", _r(rf"\b{_IK}\s+{_TUSSEN}\w*(?:{_PLEK_NL})\b")),
    _Regel("plek", _r(rf"\b{_IK}\s+{_TUSSEN}(?:{_PLEK_EN})\b")),
    # "bij ons in het trappenhuis", "bij mij voor de deur", but not "bij ons in de buurt".
    _Regel(
        "plek",
        _r(
            r"\bbij\s+(?:ons|mij|me)\b(?:\s+(?:in|op|voor|aan|achter|naast|om|thuis)\b(?!\s+(?:de\s+)?(?:buurt|wijk|stad|land|stadsdeel)\b))"
        ),
    ),
    # Places told relative to the reporter: "naast ons", "boven mij", "next door to me", "under us".
    _Regel("plek", _r(r"\b(?:naast|boven|onder|tegenover|achter|beneden)\s+(?:mij|ons|me)\b")),
    _Regel(
        "plek",
        _r(
            r"\b(?:next\s+(?:door\s+)?to|above|below|under|beneath|underneath|opposite|across\s+from|"
            r"across\s+the\s+(?:road|street|hall)\s+from|upstairs\s+from|downstairs\s+from)\s+(?:me|us)\b"
        ),
    ),
    _Regel("plek", _r(r"\b(?:hiernaast|hierboven|hieronder|hiertegenover|next\s+door)\b")),
    # relative to the reporter's own home: "het huis naast het mijne", "ik woon recht onder ze",
    # "I'm on the 3rd floor right above them"
    _Regel(
        "plek",
        _r(
            r"\b(?:naast|boven|onder|tegenover|achter|next\s+to|opposite|above|below)\s+(?:het\s+|de\s+)?(?:mijne|onze|mine|ours)\b"
        ),
    ),
    _Regel(
        "plek",
        _r(
            r"\b(?:ik\s+woon|wij\s+wonen|we\s+wonen|i\s+live|we\s+live|i'm|i\s+am|im)\b[^.!?\n]{0,30}?"
            r"\b(?:naast|boven|onder|tegenover|above|below|under|beneath|next\s+to|opposite|across\s+from)\s+"
            r"(?:ze|hen|hun|hem|haar|die|them|him|her)\b"
        ),
    ),
    _Regel("relatie", _r(rf"\b{_IK}\s+{_TUSSEN}\w*(?:{_RELATIE_NL})\b")),
    _Regel("relatie", _r(rf"\b{_IK}\s+{_TUSSEN}(?:{_RELATIE_EN})(?:'s)?\b")),
    # Where the reporter lives, with a number: "ik woon op 34", "we live at number 8".
    _Regel(
        "huisnummer",
        _r(
            r"\b(?:ik\s+woon|woon\s+ik|wij\s+wonen|we\s+wonen|i\s+live|we\s+live|i'm\s+at|i\s+stay)\b[^.!?\n]{0,40}?\b\d+\b"
            # a duration is not an address: "ik woon hier al 20 jaar"
            r"(?!\s*(?:jaar|jr|maanden|maand|weken|week|dagen|dag|years?|months?|weeks?|days?))"
        ),
    ),
    # Own box, storage or parking place: "ik heb zelf box 18", "I have garage 4".
    _Regel(
        "huisnummer",
        _r(
            r"\b(?:ik\s+heb|wij\s+hebben|we\s+hebben|i\s+have|i've\s+got|we\s+have)\s+(?:zelf\s+|ook\s+)?"
            r"(?:een\s+|a\s+)?(?:box|garagebox|berging|garage|parkeerplek|parkeerplaats|storage|parking\s+spot)\b"
        ),
    ),
    _Regel(
        "rol",
        _r(
            # "ik ben conciërge", "ben huismeester" (typed without "ik"), "als enige huisarts", "I'm the night manager"
            rf"\b(?:ik\s+ben|ben|ik\s+werk\s+als|werk\s+als|als|i'm|i\s+am|im|i\s+work\s+as|as)\s+"
            rf"(?:de\s+|het\s+|the\s+|a\s+|an\s+)?(?:enige\s+|only\s+)?(?:{_ROL})\b"
        ),
    ),
    # "ik kom voor de thuiszorg", "ik werk bij de apotheek hier": the reporter's job brings them to the place.
    _Regel("rol", _r(r"\b(?:ik\s+kom\s+voor\s+de|ik\s+werk\s+(?:bij|in)\s+(?:de|het))\s+\w+")),
    # Running a business at the place: "ik run de bakkerij op de hoek", "I own the shop".
    _Regel("rol", _r(r"\b(?:ik\s+run|i\s+run|i\s+own|we\s+run|we\s+own|wij\s+runnen)\s+(?:de|het|een|the|a)\s+\w+")),
    # "heb een groentezaak op de hoek", "ik heb een kapsalon hier"
    _Regel(
        "rol",
        _r(
            r"\b(?:ik\s+)?heb\s+een\s+(?:\w+\s*)?(?:zaak|winkel|winkeltje|bakkerij|kapsalon|snackbar|restaurant|café|praktijk)\b"
        ),
    ),
    _Regel("naam", _r(rf"\b(?i:mijn\s+naam\s+is|ik\s+heet|my\s+name\s+is|ik\s+ben|i'm|i\s+am)\s+{_NAAM}", 0)),
    _Regel("naam", _r(rf"(?:^|[\s.!,;])\s*{_GROET}[\s,:-]+{_NAAM}\s*[.!]?\s*$", 0)),
    # a signature after a dash: "Dealing again since Monday. - Peter (the one from the corner house)"
    _Regel("naam", _r(rf"(?:^|[.!?]\s*|\s)[-\u2013\u2014]\s*{_NAAM}\b", 0)),
    _Regel("contact", _r(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    _Regel("contact", _r(r"(?<![\w+])(?:\+|00)?\d[\d\s\-()./]{7,16}\d")),
)

# A number in an address context: "nummer 36", "nr. 12", "number 10", "huisnummer 57", "box 18".
_HUISNUMMER = _r(r"\b(?:nummer|nr\.?|no\.?|number|huisnummer|huisnr\.?|box|berging|#)\s*(\d{1,4})\b")
_ADRES = re.compile(r"^\s*(?P<straat>[^\d,]*\D)\s+(?P<nummer>\d{1,4})\b")
_BUURNUMMERS = 10


@dataclass(frozen=True)
class Zelfverraad:
    """Why a text may reveal its reporter: reason codes (keys of REDENEN) and the words that tripped."""

    redenen: tuple[str, ...]
    fragmenten: tuple[str, ...]

    @property
    def labels(self) -> list[Promise]:
        return [REDENEN[r] for r in self.redenen]


def _is_telefoon(fragment: str) -> bool:
    cijfers = re.sub(r"\D", "", fragment)
    # Dutch numbers have ten digits (06..., 020...), international ones 11 (31 6...) or 13 (0031...).
    return 9 <= len(cijfers) <= 13 and (fragment.startswith(("0", "+")) or cijfers.startswith("31"))


def _naburige_nummers(tekst: str, locatie: str) -> list[str]:
    """Numbers in an address context near, but not equal to, the reported address's number."""
    adres = _ADRES.match(locatie or "")
    if not adres:
        return []
    eigen = int(adres["nummer"])
    straat = re.escape(adres["straat"].strip())
    patronen = [_HUISNUMMER, re.compile(rf"\b{straat}\s+(\d{{1,4}})\b", re.IGNORECASE)]
    gevonden = []
    for patroon in patronen:
        for treffer in patroon.finditer(tekst):
            nummer = int(treffer[1])
            if nummer != eigen and abs(nummer - eigen) <= _BUURNUMMERS:
                gevonden.append(treffer[0])
    return gevonden


def tekst_zelfverraad(tekst: str, *, locatie: str = "") -> Zelfverraad | None:
    """The reasons `tekst` may identify its reporter, or None. `locatie` is the reported place as
    `Melding.locatie_omschrijving` holds it; its house number lets a neighbouring number count."""
    if not tekst or not tekst.strip():
        return None
    redenen: list[str] = []
    fragmenten: list[str] = []

    def noteer(reden: str, fragment: str) -> None:
        if reden not in redenen:
            redenen.append(reden)
        fragment = fragment.strip(" ,.;:-")
        if fragment and fragment not in fragmenten:
            fragmenten.append(fragment)

    for regel in _REGELS:
        for treffer in regel.patroon.finditer(tekst):
            if regel.reden == "contact" and "@" not in treffer[0] and not _is_telefoon(treffer[0]):
                continue
            noteer(regel.reden, treffer[0])
    for fragment in _naburige_nummers(tekst, locatie):
        noteer("huisnummer", fragment)
    if not redenen:
        return None
    volgorde = list(REDENEN)
    return Zelfverraad(tuple(sorted(redenen, key=volgorde.index)), tuple(fragmenten))
