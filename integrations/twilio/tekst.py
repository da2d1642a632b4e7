"""Reading free SMS text (Dutch and English) and fitting replies into SMS segments. Pure functions.

What a resident writes is short, informal and often without capitals or punctuation: "elke avond
dealen bij de speeltuin op het bijlmerplein". Parsing is therefore by word lists (folded: lower case,
no accents), not grammar; what is missed is asked for, and the summary lets the resident correct it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field

# -------------------------------------------------------------------------------- SMS segments

# GSM 03.38 basic character set (one septet each) and its extension table (two septets: escape + char).
GSM_BASIS = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSIE = frozenset("^{}\\[~]|€\f")
MAX_SEGMENTEN = 2
# Characters phones and keyboards produce that GSM-7 lacks; one of them would make the whole reply UCS-2
# (134 instead of 306 characters in two segments).
_VERVANGINGEN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"',
                              "\u201e": '"', "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " ",
                              "\u2009": " "})  # fmt: skip


def is_gsm7(tekst: str) -> bool:
    return all(ch in GSM_BASIS or ch in GSM_EXTENSIE for ch in tekst)


def segmenten(tekst: str) -> int:
    """How many SMS segments a text takes (3GPP TS 23.038 / 23.040).

    GSM-7: 160 septets in one segment, 153 per segment when concatenated; extension characters take
    two septets. Anything outside GSM-7 makes the whole text UCS-2: 70 code units in one, 67 per
    segment when concatenated (UTF-16: an emoji takes two units).
    """
    if not tekst:
        return 1
    if is_gsm7(tekst):
        septets = sum(2 if ch in GSM_EXTENSIE else 1 for ch in tekst)
        return 1 if septets <= 160 else -(-septets // 153)
    units = len(tekst.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)


def gsm_veilig(tekst: str) -> str:
    """The text with every character outside GSM-7 replaced by its nearest GSM-7 spelling (ë → e,
    curly quotes → straight) or dropped; used on everything we did not write ourselves (place names)."""
    tekst = tekst.translate(_VERVANGINGEN)
    if is_gsm7(tekst):
        return tekst
    uit = []
    for ch in tekst:
        if ch in GSM_BASIS or ch in GSM_EXTENSIE:
            uit.append(ch)
            continue
        basis = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        uit.append("".join(c for c in basis if c in GSM_BASIS))
    return "".join(uit)


def inkorten(tekst: str, maximum: int) -> str:
    tekst = " ".join(tekst.split())
    return tekst if len(tekst) <= maximum else tekst[: maximum - 3].rstrip() + "..."


# -------------------------------------------------------------------------------- words


def vouwen(tekst: str) -> str:
    """Lower case without accents: 'Café' and 'cafe' are one word."""
    tekst = unicodedata.normalize("NFKD", tekst.translate(_VERVANGINGEN))
    return "".join(ch for ch in tekst if not unicodedata.combining(ch)).lower()


def woorden(tekst: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", vouwen(tekst))


# Kind of place (DOMAIN.md `locatie_type`). Multi-word phrases are matched before single words.
# These word lists only help to read free text; the codes themselves and their labels live in the
# administrators' tables (meldingen.LocatieType, Waarneming), and a code that is not active there is skipped.
LOCATIE_WOORDEN: dict[str, tuple[str, ...]] = {
    "speelplek": ("speeltuin", "speeltuintje", "speelplaats", "speelplek", "speelveld", "speelveldje", "trapveld",
                  "trapveldje", "sportveld", "voetbalveld", "voetbalkooi", "pannakooi", "playground", "play area",
                  "football pitch", "pitch", "speeltuinen"),
    "school": ("school", "schoolplein", "scholen", "basisschool", "schoolyard", "schools"),
    "zorglocatie": ("zorglocatie", "zorginstelling", "verpleeghuis", "gezondheidscentrum", "huisarts", "opvang",
                    "daklozenopvang", "care home", "clinic", "health centre", "health center", "shelter"),
    "buurtcentrum": ("buurtcentrum", "buurthuis", "wijkcentrum", "jongerencentrum", "community centre",
                     "community center", "youth centre", "youth center"),
    "garagebox": ("garagebox", "garageboxen", "garageboxes", "garage", "garages", "box", "boxen", "opslagbox",
                  "lockup", "lock up", "storage units"),
    "spookwoning": ("spookwoning", "spookhuis", "ghost house"),
    "woning": ("woning", "huis", "flat", "appartement", "pand", "house", "apartment", "home"),
    "portiek": ("portiek", "trappenhuis", "galerij", "kelder", "kelderbox", "berging", "bergingen", "ingang", "hal",
                "lift", "entree", "stairwell", "staircase", "entrance", "hallway", "basement", "gallery", "porch",
                "lobby"),
    "parkeerplaats": ("parkeerplaats", "parkeergarage", "parkeerterrein", "parkeerdek", "car park", "carpark",
                      "parking garage", "parking lot", "parking"),
    "park": ("park", "plantsoen", "bosje", "grasveld"),
    "straat": ("straat", "plein", "winkelcentrum", "markt", "metrostation", "station", "bushalte", "tramhalte", "brug",
               "onderdoorgang", "steeg", "street", "square", "shopping centre", "shopping center", "mall", "market",
               "bridge", "underpass", "alley", "stoep"),
    "horeca_winkel": ("cafe", "kroeg", "bar", "snackbar", "restaurant", "shishalounge", "shisha", "winkel",
                      "supermarkt", "avondwinkel", "nachtwinkel", "belwinkel", "kapper", "coffeeshop", "shop", "store",
                      "pub"),
}  # fmt: skip

# What was seen (DOMAIN.md `waarneming`). A word ending in "*" matches as a prefix.
WAARNEMING_WOORDEN: dict[str, tuple[str, ...]] = {
    "dealen": ("deal*", "gedeald", "verkop*", "verkoopt", "verkocht", "verkoop", "handel", "handelen", "drugshandel",
               "overhandig*", "sell*", "sold", "hand overs", "handing over"),
    "aanloop": ("aanloop", "af en aan", "komen en gaan", "in en uit", "heen en weer", "loopverkeer", "scooter*",
                "coming and going", "back and forth", "visitors"),
    "opslag": ("opslag", "opslaan", "verstop*", "bunker*", "stash*", "hiding", "hidden", "verberg*", "verborgen"),
    "ronselen": ("ronsel*", "geronseld", "rekruter*", "runner*", "loopjongen*", "recruit*"),
    "intimidatie": ("intimid*", "bedreig*", "dreig*", "hangjongeren", "rondhangen", "threat*", "loiter*",
                    "harass*", "lastigvallen", "uitschelden"),
    "geweld": ("geweld*", "wapen*", "mes", "messen", "vuurwapen*", "pistool", "schiet*", "vecht*", "gevecht*",
               "steekpartij", "violen*", "weapon*", "knife", "knives", "gun", "guns", "shoot*", "fight*", "stabb*"),
    "gebruik": ("gebruik*", "spuit*", "naald*", "lachgas", "ballon*", "blowen", "snuiven", "junk*", "needle*",
                "syringe*", "nitrous", "drug use", "using drugs"),
}  # fmt: skip

FREQUENTIE_WOORDEN: dict[str, tuple[str, ...]] = {
    "dagelijks": ("elke dag", "iedere dag", "elke avond", "iedere avond", "elke nacht", "iedere nacht", "elke ochtend",
                  "iedere ochtend", "elke middag", "iedere middag", "dagelijks", "altijd", "dag en nacht",
                  "de hele dag", "every day", "every night", "every evening", "every morning", "every afternoon",
                  "daily", "all the time", "always", "nightly", "avond aan avond"),
    "meerdere_keren": ("meerdere keren", "meer keren", "meer dan een keer", "vaak", "vaker", "regelmatig", "soms",
                       "wekelijks", "elke week", "iedere week", "paar keer", "steeds", "often", "regularly",
                       "sometimes", "several times", "a few times", "weekly", "every week", "many times",
                       "more than once"),
    "eenmalig": ("eenmalig", "een keer", "1 keer", "1x", "eenmaal", "eerste keer", "once", "one time", "just once",
                 "first time"),
}  # fmt: skip

DAGDEEL_WOORDEN: dict[str, tuple[str, ...]] = {
    "nacht": ("nacht", "nachts", "vannacht", "gisternacht", "night", "nights", "tonight", "midnight"),
    "ochtend": ("ochtend", "ochtends", "morgens", "vanochtend", "vanmorgen", "morning", "mornings"),
    "middag": ("middag", "middags", "vanmiddag", "afternoon", "afternoons", "schooltijd"),
    "avond": ("avond", "avonds", "vanavond", "gisteravond", "evening", "evenings"),
}
DAG_WOORDEN: dict[int, tuple[str, ...]] = {
    -2: ("eergisteren", "day before yesterday"),
    -1: ("gisteren", "gisteravond", "gisternacht", "gistermiddag", "gistermorgen", "yesterday", "last night"),
}

# Words that say "where" comes next.
VOORZETSELS = frozenset(
    [
        "op",
        "bij",
        "aan",
        "in",
        "voor",
        "achter",
        "naast",
        "tegenover",
        "nabij",
        "rond",
        "rondom",
        "langs",
        "onder",
        "vlakbij",
        "bovenop",
        "at",
        "on",
        "near",
        "in",
        "by",
        "behind",
        "outside",
        "opposite",
        "around",
        "next",
        "beside",
    ]
)
# Never part of a place name on their own: articles, pronouns, time words, fillers, greetings.
VULWOORDEN = frozenset(
    """de het een t the a an van of en and met to naar er ze zij hij ik we wij je u daar hier dit dat die deze
    is zijn wordt worden word staan staat stonden zit zitten zie zag gezien ben was waren heb hebben veel lot lots
    many drugs drug jongens mannen mensen jongeren kinderen people guys men boys kids there they are were i see saw
    seen elke iedere every dag dagen avond avonds nacht nachts ochtend ochtends morgens middag middags week
    vandaag gisteren eergisteren today yesterday tonight day night evening morning afternoon keer keren times
    time weer again ook also nog steeds al hallo hoi hi hello hey goedemiddag goedenavond goedemorgen melden
    melding report wil want graag please te om to from rond around bij hoek kruising corner crossing
    junction intersection""".split()  # noqa: SIM905 - word lists read better as text
)
KRUISING_WOORDEN = frozenset({"hoek", "kruising", "corner", "crossing", "junction", "intersection", "kruispunt"})
_SCHEIDING = re.compile(r"\s+(?:en|and|met|x|&)\s+|\s*[/&+]\s*", re.IGNORECASE)

ENGELSE_WOORDEN = frozenset(
    """the every dealing selling near at is are there playground street square yes no help people drugs
    night evening morning day sold seen saw they i my our school park house outside daily often always
    and of with corner behind entrance please""".split()  # noqa: SIM905 - word lists read better as text
)
NEDERLANDSE_WOORDEN = frozenset(
    """de het een elke iedere dealen bij op is zijn er speeltuin straat plein ja nee hulp mensen avond nacht
    ochtend dag verkopen gezien zag ze ik mijn onze school park huis vaak altijd en van met hoek achter ingang
    portiek jongens dealers gebruikt""".split()  # noqa: SIM905 - word lists read better as text
)


def _zinnen(lijst: tuple[str, ...]) -> tuple[list[list[str]], list[str], list[str]]:
    """Splits a word list into phrases (several words), exact words and prefixes ('deal*')."""
    zinnen, exact, prefix = [], [], []
    for item in lijst:
        if item.endswith("*"):
            prefix.append(item[:-1])
        elif " " in item:
            zinnen.append(item.split())
        else:
            exact.append(item)
    return zinnen, exact, prefix


def _positie(ws: list[str], lijst: tuple[str, ...]) -> int | None:
    """Index of the first word in `ws` that a word list matches, or None."""
    zinnen, exact, prefix = _zinnen(lijst)
    beste = None
    for i in range(len(ws)):
        for zin in zinnen:
            if ws[i : i + len(zin)] == zin:
                beste = i if beste is None else min(beste, i)
        if ws[i] in exact or any(ws[i].startswith(p) for p in prefix):
            beste = i if beste is None else min(beste, i)
    return beste


def _alle_woorden(*tabellen: dict) -> frozenset[str]:
    out: set[str] = set()
    for tabel in tabellen:
        for lijst in tabel.values():
            for item in lijst:
                out.update(item.rstrip("*").split())
    return frozenset(out)


_LOCATIE_ALLE = _alle_woorden(LOCATIE_WOORDEN)
_TIJD_ALLE = _alle_woorden(FREQUENTIE_WOORDEN, DAGDEEL_WOORDEN, DAG_WOORDEN)
_WAARNEMING_EXACT = _alle_woorden(
    {k: tuple(w for w in v if not w.endswith("*")) for k, v in WAARNEMING_WOORDEN.items()}
)
_WAARNEMING_PREFIX = tuple(w[:-1] for v in WAARNEMING_WOORDEN.values() for w in v if w.endswith("*"))


def _actief(tabel: dict[str, tuple[str, ...]], actief: Collection[str] | None) -> dict[str, tuple[str, ...]]:
    """The word lists of the codes an administrator keeps active (None: all); a code without words is
    still offered in the numbered menu."""
    return tabel if actief is None else {code: lijst for code, lijst in tabel.items() if code in actief}


def locatie_type_uit(tekst: str, *, actief: Collection[str] | None = None) -> str | None:
    """The kind of place named first in the text ('bij de ingang van de flat' → portiek)."""
    ws = woorden(tekst)
    tabel = _actief(LOCATIE_WOORDEN, actief)
    gevonden = [(pos, code) for code, lijst in tabel.items() if (pos := _positie(ws, lijst)) is not None]
    return min(gevonden)[1] if gevonden else None


def waarnemingen_uit(tekst: str, *, actief: Collection[str] | None = None) -> list[str]:
    """Every kind of observation the text mentions, in the order they are mentioned."""
    ws = woorden(tekst)
    tabel = _actief(WAARNEMING_WOORDEN, actief)
    gevonden = [(pos, code) for code, lijst in tabel.items() if (pos := _positie(ws, lijst)) is not None]
    return [code for _pos, code in sorted(gevonden)]


def _eerste(tekst: str, tabel: dict) -> str | int | None:
    ws = woorden(tekst)
    for code, lijst in tabel.items():  # order of the table is the priority ("meer dan een keer" before "een keer")
        if _positie(ws, lijst) is not None:
            return code
    return None


def frequentie_uit(tekst: str) -> str | None:
    return _eerste(tekst, FREQUENTIE_WOORDEN)


def dagdeel_uit(tekst: str) -> str | None:
    return _eerste(tekst, DAGDEEL_WOORDEN)


def dag_uit(tekst: str) -> int | None:
    """Days back from today the resident names (gisteren → -1), or None for today/unsaid."""
    return _eerste(tekst, DAG_WOORDEN)


def is_engels(tekst: str) -> bool:
    ws = woorden(tekst)
    en = sum(1 for w in ws if w in ENGELSE_WOORDEN)
    nl = sum(1 for w in ws if w in NEDERLANDSE_WOORDEN)
    return en > nl


def nummers(tekst: str) -> list[int] | None:
    """'1', '1 5', '1,5' or '1 en 5' → [1, 5]; None when the text is more than numbers."""
    ws = woorden(tekst)
    ws = [w for w in ws if w not in ("en", "and")]
    if not ws or not all(w.isdigit() and len(w) <= 2 for w in ws):
        return None
    return list(dict.fromkeys(int(w) for w in ws))


# -------------------------------------------------------------------------------- keywords


@dataclass(frozen=True)
class Sleutelwoord:
    soort: str  # stop | hulp | status | en | nl | ja | nee | opnieuw
    waarde: str = ""


_SLEUTELS = {
    "stop": ("stop", "stoppen", "stopall", "unsubscribe", "cancel", "end", "quit", "afmelden"),
    "hulp": ("hulp", "help", "info", "?"),
    "en": ("en", "english", "engels"),
    "nl": ("nl", "nederlands", "dutch"),
    "ja": ("ja", "j", "yes", "y", "ok", "oke", "okay", "klopt", "jazeker", "yep", "jawel", "graag", "prima"),
    "nee": ("nee", "n", "no", "nope", "neen", "liever niet", "no thanks", "nee dank je", "nee bedankt"),
    "opnieuw": ("opnieuw", "restart", "reset", "start over", "begin opnieuw", "start"),
}


def sleutelwoord(tekst: str) -> Sleutelwoord | None:
    """A keyword when the whole message is one (trailing punctuation and case ignored); STATUS takes a code."""
    kaal = " ".join(woorden(tekst)) or tekst.strip()
    if kaal.startswith("status"):
        return Sleutelwoord("status", kaal[len("status") :].strip())
    for soort, varianten in _SLEUTELS.items():
        if kaal in varianten:
            return Sleutelwoord(soort)
    return None


# -------------------------------------------------------------------------------- places


@dataclass(frozen=True)
class Plekvraag:
    """What to ask the geocoder: a place, or a crossing of two streets."""

    tekst: str
    kruising: str = ""


@dataclass
class Gelezen:
    """Everything one message says about a report."""

    locatie_type: str | None = None
    waarnemingen: list[str] = field(default_factory=list)
    frequentie: str | None = None
    dagdeel: str | None = None
    dag: int | None = None
    plek: Plekvraag | None = None

    @property
    def iets(self) -> bool:
        return bool(self.locatie_type or self.waarnemingen or self.frequentie or self.dagdeel or self.plek)


_WOORD = re.compile(r"[^\s]+")
_BREEK = re.compile(r"[.!?;:]$")


def _kaal(woord: str) -> str:
    return re.sub(r"[^a-z0-9]", "", vouwen(woord))


def _is_naamloos(vw: str) -> bool:
    """Words that cannot be (part of) a place name by themselves."""
    return (
        vw in VULWOORDEN
        or vw in VOORZETSELS
        or vw in _LOCATIE_ALLE
        or vw in _TIJD_ALLE
        or vw in _WAARNEMING_EXACT
        or vw.startswith(_WAARNEMING_PREFIX)
    )


def _naamdeel_mogelijk(vw: str) -> bool:
    """A capitalised article, preposition or kind-of-place word can be part of a name ('Van Woustraat',
    'Plein '40-'45'); observation and time words never are."""
    return vw in VULWOORDEN or vw in VOORZETSELS or vw in _LOCATIE_ALLE


def _reeks(ruwe: list[str]) -> str:
    """The first run of words that can be a place name, e.g. 'de speeltuin op het Bijlmerplein elke avond' →
    'Bijlmerplein'. A postcode or 'Amsterdam' after a comma belongs to the name."""
    uit: list[str] = []
    for i, ruw in enumerate(ruwe):
        woord = ruw.strip(',.!?;:()"')
        vw = _kaal(woord)
        if not vw:
            if uit:
                break
            continue
        volgend = _kaal(ruwe[i + 1]) if i + 1 < len(ruwe) else ""
        naamloos = _is_naamloos(vw)
        if naamloos and woord[:1].isupper() and _naamdeel_mogelijk(vw) and volgend and not _is_naamloos(volgend):
            naamloos = False  # 'Van' in 'Van Woustraat', 'Plein' in "Plein '40-'45"
        if naamloos:
            if uit:
                break
            continue
        uit.append(woord)
        if ruw.endswith(",") and not (volgend == "amsterdam" or re.fullmatch(r"\d{4}[a-z]{0,2}", volgend)):
            break
        if _BREEK.search(ruw):
            break
    return " ".join(uit)


def plek_uit(tekst: str, *, alles_is_plek: bool = False) -> Plekvraag | None:
    """The place phrase of a message: what follows the first locative preposition ('op', 'bij', 'at'...),
    or, when `alles_is_plek` (the answer to "where?"), the whole message; a crossing ('hoek X en Y')
    gives both streets. Without a preposition a phrase only counts when it has a capital or a digit,
    so 'hallo' is not looked up as a street."""
    ruwe = _WOORD.findall(tekst)
    gevouwen = [_kaal(w) for w in ruwe]
    for i, vw in enumerate(gevouwen):
        if vw in KRUISING_WOORDEN:
            delen = [d for d in _SCHEIDING.split(" ".join(ruwe[i + 1 :])) if d.strip()]
            namen = [n for n in (_reeks(d.split()) for d in delen) if n]
            if len(namen) >= 2:
                return Plekvraag(namen[0], namen[1])
            if namen:
                return Plekvraag(namen[0])
    start = next((i + 1 for i, vw in enumerate(gevouwen) if vw in VOORZETSELS), None)
    if start is not None:
        naam = _reeks(ruwe[start:])
        if naam:
            return Plekvraag(naam)
    if start is None or alles_is_plek:
        naam = _reeks(ruwe)
        if naam and (alles_is_plek or any(ch.isupper() or ch.isdigit() for ch in naam)):
            return Plekvraag(naam)
    if alles_is_plek and tekst.strip():
        # Nothing name-like: let the geocoder try the text as typed ("Bijlmer Arena").
        kaal = " ".join(w for w in ruwe if not _is_naamloos(_kaal(w)))
        if kaal:
            return Plekvraag(kaal)
    return None


def lezen(
    tekst: str,
    *,
    alles_is_plek: bool = False,
    locatie_types: Collection[str] | None = None,
    waarnemingen: Collection[str] | None = None,
) -> Gelezen:
    """`locatie_types` and `waarnemingen`: the active codes (None: every code the word lists know)."""
    plek = plek_uit(tekst, alles_is_plek=alles_is_plek)
    # "Plein" in "Plein '40-'45" names the place, not its kind.
    zonder_naam = tekst.replace(plek.tekst, " ") if plek else tekst
    return Gelezen(
        locatie_type=locatie_type_uit(zonder_naam, actief=locatie_types),
        waarnemingen=waarnemingen_uit(tekst, actief=waarnemingen),
        frequentie=frequentie_uit(tekst),
        dagdeel=dagdeel_uit(tekst),
        dag=dag_uit(tekst),
        plek=plek,
    )
