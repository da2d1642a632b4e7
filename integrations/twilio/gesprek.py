"""The SMS conversation as a state machine: pure logic, no database, no network.

`verwerk(toestand, tekst, diensten)` takes the stored state (a small JSON-able dict; `{}` for a new
conversation) and one message, and returns the new state (None: forget the conversation) and the
reply. Everything with a side effect or a database read (geocoding, the status lookup, filing the
melding, keeping the number for updates, the administrators' code lists for the menus) is a method of
`diensten`, supplied by `integrations.twilio.services`, which owns
the transaction.

Steps (`toestand["stap"]`):

| step | asked | answers understood |
|---|---|---|
| start | nothing yet | a whole report in one message, or part of it |
| waar | where | an address, crossing or place name (the whole message is the place) |
| keuze | which of up to 3 places | 1-3, or another place |
| wat | what was seen | numbers from the menu, or words |
| soort | kind of place | a number from the menu, or words |
| hoe_vaak | how often | 1-3, or words |
| bevestigen | the summary | JA files the melding; NEE → corrigeren; a correction in words |
| corrigeren | what is wrong | 1-4 clears that part and asks it again; OPNIEUW starts over |
| abonnement | status updates by SMS? | JA keeps the number encrypted; NEE does not; both end the conversation |

Keywords work at every step: STOP, HULP/HELP, STATUS <meldcode>, EN/NL, OPNIEUW.
Only what is missing is asked, in the order where → what → kind of place → how often.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Protocol

from .tekst import MAX_SEGMENTEN, Plekvraag, gsm_veilig, inkorten, is_engels, lezen, nummers, segmenten, sleutelwoord

FREQUENTIE_MENU = ("eenmalig", "meerdere_keren", "dagelijks")
CORRIGEER_MENU = ("plek", "waarnemingen", "locatie_type", "frequentie")
# The middle of each part of the day, as the web form uses (docs/architecture.md, "When").
DAGDEEL_UUR = {"nacht": 3, "ochtend": 9, "middag": 15, "avond": 21}
NAAM_MAX = 60

# Short wording of the seeded codes for the summary sentence ("Dealen bij speelplek"), per list: "overig"
# is a code in both. The menus show the administrators' labels (`Codes`); a code without a wording here
# (added by an administrator) is summarised by the first part of its label.
KORT: dict[str, dict[str, dict[str, str]]] = {
    "waarnemingen": {
        "nl": {"dealen": "dealen", "aanloop": "veel aanloop", "opslag": "opslag", "ronselen": "ronselen",
               "intimidatie": "intimidatie", "geweld": "geweld", "gebruik": "gebruik", "overig": "iets anders"},
        "en": {"dealen": "dealing", "aanloop": "many visitors", "opslag": "stashing", "ronselen": "recruiting",
               "intimidatie": "intimidation", "geweld": "violence", "gebruik": "drug use",
               "overig": "something else"},
    },
    "locatie_types": {
        "nl": {"speelplek": "speelplek", "school": "school", "zorglocatie": "zorglocatie",
               "buurtcentrum": "buurthuis", "garagebox": "garagebox", "spookwoning": "spookwoning",
               "woning": "woning", "portiek": "portiek", "parkeerplaats": "parkeerplaats", "park": "park",
               "straat": "straat/plein", "horeca_winkel": "winkel/horeca", "overig": "andere plek"},
        "en": {"speelplek": "playground", "school": "school", "zorglocatie": "care location",
               "buurtcentrum": "community centre", "garagebox": "garage box", "spookwoning": "ghost house",
               "woning": "home", "portiek": "entrance/stairwell", "parkeerplaats": "car park", "park": "park",
               "straat": "street/square", "horeca_winkel": "shop/bar", "overig": "other place"},
    },
}  # fmt: skip

# Frequency, part of the day and public status: fixed choices in the code, not administrators' tables.
LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "eenmalig": "een keer", "meerdere_keren": "vaker", "dagelijks": "(bijna) elke dag",
        "nacht": "'s nachts", "ochtend": "'s ochtends", "middag": "'s middags", "avond": "'s avonds",
        "nieuw": "ontvangen", "in_behandeling": "in behandeling", "afgehandeld": "afgehandeld",
        "afgewezen": "afgesloten",
    },
    "en": {
        "eenmalig": "once", "meerdere_keren": "more often", "dagelijks": "(almost) daily",
        "nacht": "at night", "ochtend": "in the morning", "middag": "in the afternoon", "avond": "in the evening",
        "nieuw": "received", "in_behandeling": "being handled", "afgehandeld": "dealt with", "afgewezen": "closed",
    },
}  # fmt: skip

# Every reply in GSM-7 and at most two segments (306 characters); tests check each one that is sent.
T: dict[str, dict[str, str]] = {
    "welkom": {
        "nl": "Weerbare Wijken: u meldt anoniem. Wat zag u en waar? Bv: Elke avond dealen bij de speeltuin op het "
              "Bijlmerplein. HULP voor uitleg, STOP om te stoppen. For English send EN.",
        "en": "Weerbare Wijken: you report anonymously. What did you see and where? E.g.: Dealing every evening at "
              "the playground on Bijlmerplein. HELP for help, STOP to stop. Voor Nederlands stuur NL.",
    },
    "verlopen": {
        "nl": "Uw vorige gesprek was verlopen (30 min), we beginnen opnieuw. ",
        "en": "Your previous conversation expired (30 min), so we start again. ",
    },
    "waar": {
        "nl": "Waar was het? Stuur een adres, kruising (bv hoek Kerkstraat en Leidsestraat) of plek in Amsterdam.",
        "en": "Where was it? Send an address, a crossing (e.g. corner Kerkstraat and Leidsestraat) or a place in "
              "Amsterdam.",
    },
    "keuze": {
        "nl": "We vonden meer plekken. Welke bedoelt u? {lijst} Stuur het nummer, of een ander adres.",
        "en": "We found more than one place. Which one? {lijst} Send the number, or another address.",
    },
    "niet_gevonden": {
        "nl": "We vonden '{plek}' niet in Amsterdam. ",
        "en": "We could not find '{plek}' in Amsterdam. ",
    },
    "buiten": {
        "nl": "{plek} ligt niet in Amsterdam. We nemen alleen meldingen in Amsterdam aan. ",
        "en": "{plek} is not in Amsterdam. We only take reports in Amsterdam. ",
    },
    "zoeken_mislukt": {
        "nl": "Het zoeken van adressen lukt nu even niet. Stuur de plek over een paar minuten nog eens.",
        "en": "Looking up addresses does not work right now. Please send the place again in a few minutes.",
    },
    # The numbered choices follow, from the code tables (`menu`).
    "wat": {
        "nl": "Wat zag u? Stuur een of meer nummers:",
        "en": "What did you see? Send one or more numbers:",
    },
    "soort": {
        "nl": "Wat voor plek is het? Stuur een nummer:",
        "en": "What kind of place? Send a number:",
    },
    "hoe_vaak": {
        "nl": "Hoe vaak ziet u dit? 1 een keer 2 vaker 3 (bijna) elke dag",
        "en": "How often do you see this? 1 once 2 more often 3 (almost) daily",
    },
    "samenvatting": {
        "nl": "Klopt dit? {wat} bij {soort}, {plek}. {hoe_vaak}{dagdeel}. Stuur JA om te melden of NEE om iets te "
              "verbeteren.",
        "en": "Is this right? {wat} at {soort}, {plek}. {hoe_vaak}{dagdeel}. Send YES to report or NO to correct "
              "something.",
    },
    "ja_nee": {
        "nl": "Stuur JA om te melden of NEE om iets te verbeteren.",
        "en": "Send YES to report or NO to correct something.",
    },
    "corrigeren": {
        "nl": "Wat wilt u verbeteren? 1 de plek 2 wat u zag 3 soort plek 4 hoe vaak. Of stuur OPNIEUW om opnieuw te "
              "beginnen.",
        "en": "What would you like to correct? 1 the place 2 what you saw 3 kind of place 4 how often. Or send "
              "RESTART to start over.",
    },
    "niet_begrepen": {
        "nl": "Sorry, dat begreep ik niet. ",
        "en": "Sorry, I did not understand that. ",
    },
    "gemeld": {
        "nl": "Dank u! Uw melding is ontvangen. Meldcode: {meldcode}. Stuur STATUS {meldcode} om haar te volgen. "
              "Wilt u updates per sms? Stuur JA of NEE. Bij JA bewaren we uw nummer versleuteld tot de melding "
              "klaar is (max 90 dagen).",
        "en": "Thank you! Your report was received. Code: {meldcode}. Send STATUS {meldcode} to follow it. Updates "
              "by SMS? Send YES or NO. With YES we keep your number encrypted until the report is closed (max 90 "
              "days).",
    },
    "melden_mislukt": {
        "nl": "Het opslaan van uw melding lukte niet. Stuur JA om het nog eens te proberen.",
        "en": "Saving your report failed. Send YES to try again.",
    },
    "abonnement_ja": {
        "nl": "Goed, u krijgt een sms als er iets verandert. Na afloop (max 90 dagen) wissen we uw nummer. Stuur "
              "STOP om eerder te stoppen. Dank u wel!",
        "en": "Fine, you will get an SMS when something changes. Afterwards (max 90 days) we delete your number. "
              "Send STOP to stop earlier. Thank you!",
    },
    "abonnement_nee": {
        "nl": "Prima, we bewaren uw nummer niet. Dank u wel voor uw melding!",
        "en": "Fine, we do not keep your number. Thank you for your report!",
    },
    "abonnement_vraag": {
        "nl": "Wilt u updates over uw melding per sms? Stuur JA of NEE.",
        "en": "Would you like updates on your report by SMS? Send YES or NO.",
    },
    "stop": {
        "nl": "U bent gestopt. We hebben dit gesprek gewist{en_nummer}. U kunt altijd opnieuw een sms sturen.",
        "en": "You have stopped. We deleted this conversation{en_nummer}. You can text us again at any time.",
    },
    "en_nummer": {"nl": " en uw nummer voor updates", "en": " and your number for updates"},
    "hulp": {
        "nl": "Weerbare Wijken: meld anoniem drugsoverlast in Amsterdam. Stuur wat u zag en waar. STATUS + meldcode: "
              "stand van uw melding. OPNIEUW: opnieuw beginnen. STOP: stoppen. EN: English. Nood? Bel 112.",
        "en": "Weerbare Wijken: report drug nuisance in Amsterdam anonymously. Send what you saw and where. STATUS + "
              "code: state of your report. RESTART: start over. STOP: stop. NL: Nederlands. Emergency? Call 112.",
    },
    "status": {
        "nl": "Melding {meldcode} ({buurt}, ontvangen {datum}): {label}.",
        "en": "Report {meldcode} ({buurt}, received {datum}): {label}.",
    },
    "status_onbekend": {
        "nl": "We kennen meldcode {meldcode} niet. Controleer de code en stuur STATUS met de code nog eens.",
        "en": "We do not know the code {meldcode}. Please check it and send STATUS with the code again.",
    },
    "status_leeg": {
        "nl": "Stuur STATUS gevolgd door uw meldcode, bv STATUS AB23CD45EF.",
        "en": "Send STATUS followed by your code, e.g. STATUS AB23CD45EF.",
    },
    "te_veel": {
        "nl": "U stuurde veel berichten. Probeer het over een uur opnieuw. / Too many messages, please try again in "
              "an hour.",
        "en": "U stuurde veel berichten. Probeer het over een uur opnieuw. / Too many messages, please try again in "
              "an hour.",
    },
}  # fmt: skip


class ZoekenMislukt(Exception):
    """The geocoder could not be reached."""


class MeldenMislukt(Exception):
    def __init__(self, *, buiten_amsterdam: bool = False) -> None:
        super().__init__("buiten Amsterdam" if buiten_amsterdam else "melden mislukt")
        self.buiten_amsterdam = buiten_amsterdam


@dataclass(frozen=True)
class Zoekresultaat:
    plekken: list[dict[str, Any]]  # {"lat", "lon", "naam"}, at most 3
    buiten: str = ""  # the name of a match outside Amsterdam, when there is none inside


Code = tuple[str, str, str]  # (code, label_nl, label_en), as `meldingen.validation.code_list` gives them


@dataclass(frozen=True)
class Codes:
    """The active code lists an administrator keeps in the database, in their `volgorde`: the menus number
    them and the word lists of `tekst` only recognise these codes."""

    waarnemingen: tuple[Code, ...]
    locatie_types: tuple[Code, ...]


@dataclass(frozen=True)
class Status:
    meldcode: str
    status: str
    buurt: str
    datum: str


class Diensten(Protocol):
    def zoek(self, vraag: Plekvraag) -> Zoekresultaat: ...
    def status(self, meldcode: str) -> Status | None: ...
    def melden(self, gegevens: dict[str, Any]) -> tuple[str, int]: ...
    def abonneren(self, melding_id: int, taal: str) -> None: ...
    def vergeten(self) -> int: ...
    def codes(self) -> Codes: ...


@dataclass(frozen=True)
class Uitkomst:
    toestand: dict[str, Any] | None  # None: the conversation ends and its row is deleted
    antwoord: str


def tekst(sleutel: str, taal: str, **waarden: Any) -> str:
    return T[sleutel][taal].format(**waarden)


def _past(antwoord: str) -> str:
    """Every reply fits in two GSM-7 segments; dynamic parts (place names) are made GSM-7 and, as a last
    resort, the reply is cut."""
    antwoord = gsm_veilig(antwoord)
    while segmenten(antwoord) > MAX_SEGMENTEN:
        antwoord = inkorten(antwoord, len(antwoord) - 10)
    return antwoord


def _naam(naam: str) -> str:
    return inkorten(gsm_veilig(naam), NAAM_MAX)


def verwerk(toestand: dict[str, Any] | None, bericht: str, diensten: Diensten, *, verlopen: bool = False) -> Uitkomst:
    uitkomst = _verwerk(dict(toestand or {}), bericht, diensten, verlopen=verlopen)
    return Uitkomst(uitkomst.toestand, _past(uitkomst.antwoord))


def _verwerk(t: dict[str, Any], bericht: str, diensten: Diensten, *, verlopen: bool) -> Uitkomst:
    nieuw = not t.get("stap")
    if nieuw:
        t = {"stap": "start", "taal": "en" if is_engels(bericht) else "nl"}
    taal = t["taal"]
    voor = tekst("verlopen", taal) if verlopen else ""
    codes = diensten.codes()

    sw = sleutelwoord(bericht)
    if sw is not None:
        if sw.soort == "stop":
            gewist = diensten.vergeten()
            return Uitkomst(None, tekst("stop", taal, en_nummer=tekst("en_nummer", taal) if gewist else ""))
        if sw.soort == "hulp":
            return Uitkomst(None if nieuw else t, tekst("hulp", taal))
        if sw.soort == "status":
            return Uitkomst(None if nieuw else t, _status(sw.waarde, taal, diensten))
        if sw.soort in ("en", "nl"):
            t["taal"] = sw.soort
            return _verder(t, codes, voor)
        if sw.soort == "opnieuw":
            return _verder({"stap": "start", "taal": taal}, codes, voor)

    stap = t["stap"]
    if stap == "abonnement":
        if sw is not None and sw.soort == "ja":
            diensten.abonneren(t["melding_id"], taal)
            return Uitkomst(None, tekst("abonnement_ja", taal))
        if sw is not None and sw.soort == "nee":
            return Uitkomst(None, tekst("abonnement_nee", taal))
        return Uitkomst(t, tekst("abonnement_vraag", taal))

    if stap == "bevestigen" and sw is not None:
        if sw.soort == "ja":
            return _melden(t, diensten)
        if sw.soort == "nee":
            t["stap"] = "corrigeren"
            return Uitkomst(t, tekst("corrigeren", taal))

    if sw is not None:  # JA/NEE where no yes/no question is open
        return _verder(t, codes, voor + ("" if stap == "start" else tekst("niet_begrepen", taal)))

    getallen = nummers(bericht)
    if getallen is not None:
        keuze = _menu_keuze(t, stap, getallen, codes)
        if keuze is not None:
            return keuze(diensten)

    gelezen = lezen(
        bericht,
        alles_is_plek=stap in ("waar", "keuze") or (stap == "corrigeren" and not t.get("plek")),
        locatie_types={c for c, _nl, _en in codes.locatie_types},
        waarnemingen={c for c, _nl, _en in codes.waarnemingen},
    )
    if not gelezen.iets:
        if stap == "start":
            return _verder(t, codes, voor)
        return _verder(t, codes, voor + tekst("niet_begrepen", taal))

    vervang = stap not in ("start", "waar", "keuze")  # an answer to a question, or a correction, replaces
    if gelezen.waarnemingen:
        t["waarnemingen"] = (
            gelezen.waarnemingen if vervang or not t.get("waarnemingen")
            else list(dict.fromkeys([*t["waarnemingen"], *gelezen.waarnemingen]))
        )  # fmt: skip
    for veld in ("locatie_type", "frequentie", "dagdeel", "dag"):
        waarde = getattr(gelezen, veld)
        if waarde is not None and (vervang or not t.get(veld)):
            t[veld] = waarde
    if stap == "start" and "omschrijving" not in t:
        t["omschrijving"] = bericht
    if gelezen.plek is not None and (not t.get("plek") or stap in ("waar", "keuze", "bevestigen", "corrigeren")):
        return _plek_zoeken(t, gelezen.plek, diensten, codes, voor)
    return _verder(t, codes, voor)


def _menu_keuze(t: dict[str, Any], stap: str, getallen: list[int], codes: Codes):
    """A numeric answer to the current menu, as a function of `diensten`; None when it is no answer."""
    taal = t["taal"]
    if stap == "keuze" and len(getallen) == 1 and 1 <= getallen[0] <= len(t.get("kandidaten", [])):
        t["plek"] = t.pop("kandidaten")[getallen[0] - 1]
        return lambda d: _verder(t, codes)
    if stap == "wat" and all(1 <= n <= len(codes.waarnemingen) for n in getallen):
        t["waarnemingen"] = [codes.waarnemingen[n - 1][0] for n in getallen]
        return lambda d: _verder(t, codes)
    if stap == "soort" and len(getallen) == 1 and 1 <= getallen[0] <= len(codes.locatie_types):
        t["locatie_type"] = codes.locatie_types[getallen[0] - 1][0]
        return lambda d: _verder(t, codes)
    if stap == "hoe_vaak" and len(getallen) == 1 and 1 <= getallen[0] <= len(FREQUENTIE_MENU):
        t["frequentie"] = FREQUENTIE_MENU[getallen[0] - 1]
        return lambda d: _verder(t, codes)
    if stap == "corrigeren" and len(getallen) == 1 and 1 <= getallen[0] <= len(CORRIGEER_MENU):
        t.pop(CORRIGEER_MENU[getallen[0] - 1], None)
        return lambda d: _verder(t, codes)
    if stap in ("wat", "soort", "hoe_vaak", "keuze", "corrigeren"):
        return lambda d: _verder(t, codes, tekst("niet_begrepen", taal))
    return None


def _plek_zoeken(t: dict[str, Any], vraag: Plekvraag, diensten: Diensten, codes: Codes, voor: str) -> Uitkomst:
    taal = t["taal"]
    t.pop("kandidaten", None)
    try:
        resultaat = diensten.zoek(vraag)
    except ZoekenMislukt:
        t["plek"] = None
        t["stap"] = "waar"
        return Uitkomst(t, voor + tekst("zoeken_mislukt", taal))
    if not resultaat.plekken:
        t["plek"] = None
        t["stap"] = "waar"
        if resultaat.buiten:
            return Uitkomst(t, voor + tekst("buiten", taal, plek=_naam(resultaat.buiten)) + tekst("waar", taal))
        genoemd = vraag.tekst + (f" / {vraag.kruising}" if vraag.kruising else "")
        return Uitkomst(t, voor + tekst("niet_gevonden", taal, plek=_naam(genoemd)) + tekst("waar", taal))
    if len(resultaat.plekken) == 1:
        t["plek"] = resultaat.plekken[0]
        return _verder(t, codes, voor)
    t["plek"] = None
    t["kandidaten"] = resultaat.plekken
    t["stap"] = "keuze"
    lijst = " ".join(f"{i} {_naam(p['naam'])}" for i, p in enumerate(resultaat.plekken, 1))
    return Uitkomst(t, voor + tekst("keuze", taal, lijst=lijst))


def _verder(t: dict[str, Any], codes: Codes, voor: str = "") -> Uitkomst:
    """Asks for the first missing part, or shows the summary when nothing is missing."""
    taal = t["taal"]
    if t.get("stap") == "keuze" and t.get("kandidaten"):
        lijst = " ".join(f"{i} {_naam(p['naam'])}" for i, p in enumerate(t["kandidaten"], 1))
        return Uitkomst(t, voor + tekst("keuze", taal, lijst=lijst))
    if t.get("stap") == "corrigeren" and voor:
        return Uitkomst(t, voor + tekst("corrigeren", taal))
    leeg = not (t.get("plek") or t.get("waarnemingen") or t.get("locatie_type") or t.get("frequentie"))
    if not t.get("plek"):
        t["stap"] = "waar"
        if leeg:
            return Uitkomst(t, voor + tekst("welkom", taal))
        return Uitkomst(t, voor + tekst("waar", taal))
    for veld, stap in (("waarnemingen", "wat"), ("locatie_type", "soort"), ("frequentie", "hoe_vaak")):
        if not t.get(veld):
            t["stap"] = stap
            return Uitkomst(t, voor + _vraag(stap, taal, codes, voor))
    t["stap"] = "bevestigen"
    return Uitkomst(t, voor + samenvatting(t, codes))


def samenvatting(t: dict[str, Any], codes: Codes) -> str:
    taal = t["taal"]
    labels = LABELS[taal]
    wat = ", ".join(_woord(w, taal, codes, "waarnemingen") for w in t["waarnemingen"])
    dagdeel = f", {labels[t['dagdeel']]}" if t.get("dagdeel") else ""
    return tekst(
        "samenvatting",
        taal,
        wat=_hoofdletter(wat),
        soort=_woord(t["locatie_type"], taal, codes, "locatie_types"),
        plek=_naam(t["plek"]["naam"]),
        hoe_vaak=_hoofdletter(labels[t["frequentie"]]),
        dagdeel=dagdeel,
    )


def _sms_label(code: str, label_nl: str, label_en: str, taal: str) -> str:
    """A table label as the menu shows it: without its explanation in brackets ('Spookwoning (niemand lijkt
    er te wonen...)' → 'Spookwoning'), in GSM-7; the code when an administrator left the label empty."""
    label = (label_en if taal == "en" else label_nl) or label_nl or code
    return gsm_veilig(" ".join(label.split(" (")[0].split())) or code


def _woord(code: str, taal: str, codes: Codes, lijst: str) -> str:
    """A code inside the summary sentence: the short SMS wording of an active seeded code, else the first
    part of the administrator's label ('Bedreiging, intimidatie of rondhangen' → 'bedreiging')."""
    for c, nl, en in getattr(codes, lijst):
        if c == code:
            if code in KORT[lijst][taal]:
                return KORT[lijst][taal][code]
            label = _sms_label(c, nl, en, taal).split(",")[0].strip()
            return inkorten(label[:1].lower() + label[1:], 40)
    return KORT[lijst][taal].get(code, code)  # retired while the resident was answering


_KOPPELWOORDEN = (" of", " or", " en", " and", " met", " with", ",", "-")


def _korter(label: str) -> str:
    """One step shorter: drop the last part after a comma, else the last word, else a character."""
    if ", " in label:
        korter = label.rsplit(", ", 1)[0]
    elif " " in label:
        korter = label.rsplit(" ", 1)[0]
    else:
        return label[:-1]
    while korter.endswith(_KOPPELWOORDEN) and " " in korter:
        korter = korter.rsplit(" ", 1)[0]
    return korter.rstrip(",-") or label[:-1]


def menu(stap: str, taal: str, codes: Codes, voor: str = "") -> str:
    """The question of `stap` ("wat" or "soort") with the active codes numbered in their `volgorde`.

    The labels are written for the web form and can be long; when the reply (after `voor`) would not fit
    in two segments, the longest label is shortened a step at a time, so every choice keeps its number.
    """
    lijst = codes.waarnemingen if stap == "wat" else codes.locatie_types
    labels = [_sms_label(c, nl, en, taal) for c, nl, en in lijst]

    def opgebouwd() -> str:
        return tekst(stap, taal) + "".join(f" {i} {label}" for i, label in enumerate(labels, 1))

    while labels and segmenten(voor + opgebouwd()) > MAX_SEGMENTEN:
        # Enumerations after a comma go first ('Portiek, trappenhuis, galerij of berging' → 'Portiek'), from
        # the longest label; only then are words cut.
        met_komma = [i for i, label in enumerate(labels) if ", " in label]
        langste = max(met_komma or range(len(labels)), key=lambda i: len(labels[i]))
        if len(labels[langste]) <= 3:
            break  # more choices than two segments hold; `_past` cuts the end as a last resort
        labels[langste] = _korter(labels[langste])
    return opgebouwd()


def _vraag(stap: str, taal: str, codes: Codes, voor: str) -> str:
    return menu(stap, taal, codes, voor) if stap in ("wat", "soort") else tekst(stap, taal)


def _hoofdletter(tekst: str) -> str:
    """'(bijna) elke dag' → '(Bijna) elke dag'."""
    for i, ch in enumerate(tekst):
        if ch.isalpha():
            return tekst[:i] + ch.upper() + tekst[i + 1 :]
    return tekst


def _melden(t: dict[str, Any], diensten: Diensten) -> Uitkomst:
    taal = t["taal"]
    try:
        meldcode, melding_id = diensten.melden(t)
    except MeldenMislukt as fout:
        if fout.buiten_amsterdam:
            naam = _naam(t["plek"]["naam"])
            t["plek"] = None
            t["stap"] = "waar"
            return Uitkomst(t, tekst("buiten", taal, plek=naam) + tekst("waar", taal))
        return Uitkomst(t, tekst("melden_mislukt", taal))
    return Uitkomst(
        {"stap": "abonnement", "taal": taal, "melding_id": melding_id},
        tekst("gemeld", taal, meldcode=meldcode),
    )


def _status(code: str, taal: str, diensten: Diensten) -> str:
    if not code.strip():
        return tekst("status_leeg", taal)
    status = diensten.status(code)
    if status is None:
        return tekst("status_onbekend", taal, meldcode=inkorten(code.upper(), 20))
    return tekst(
        "status", taal, meldcode=status.meldcode, buurt=_naam(status.buurt), datum=status.datum,
        label=LABELS[taal].get(status.status, status.status),
    )  # fmt: skip


def waargenomen_op(t: dict[str, Any], nu: datetime) -> datetime:
    """When it was seen: the current hour for today without a part of the day (that hour on the named
    day for "yesterday"...); otherwise the middle of the named part of the day on the named day, never
    later than the start of the current hour. Never the minute of the message: that would store the
    filing moment, which is kept to the hour (DOMAIN.md). `nu` is aware, local time."""
    dag = t.get("dag") or 0
    dagdeel = t.get("dagdeel")
    uur = nu.replace(minute=0, second=0, microsecond=0)
    if not dagdeel:
        return uur + timedelta(days=dag)
    datum = nu.date() + timedelta(days=dag)
    moment = datetime.combine(datum, time(DAGDEEL_UUR[dagdeel]), tzinfo=nu.tzinfo)
    return min(moment, uur)
