"""What every API answer can look like, for the OpenAPI schema (drf-spectacular).

The views document their own answers; the errors that come from the layers around them (body too
large, a database or Redis outage, a body the parser refuses) are added to every operation by
`foutantwoorden_toevoegen`, so an endpoint added later is documented for them without remembering to.
Schemathesis holds every real answer against this (tests/security/test_api_schema_fuzz.py).
"""

from __future__ import annotations

# 400 from our own validation: field (or parameter) → list of Dutch messages.
VELDFOUTEN = {
    "type": "object",
    "description": "field or parameter → list of Dutch messages",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"lat": ["Deze plek ligt buiten Amsterdam."], "lon": ["Deze plek ligt buiten Amsterdam."]},
}
# DRF's own refusals (a body that is not JSON, an unsupported media type, a throttle): one message.
DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "example": {"detail": "JSON is te diep genest."},
}
# RFC 9457 problem details from config/middleware.py (413, 503).
PROBLEEM = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
    "required": ["type", "title", "status", "detail"],
    "example": {
        "type": "about:blank",
        "title": "Tijdelijk niet beschikbaar",
        "status": 503,
        "detail": "Er is een storing. We kunnen uw verzoek nu niet verwerken. Probeer het over een paar minuten opnieuw.",
    },
}


def _json(schema: dict, beschrijving: str, content_type: str = "application/json") -> dict:
    return {"description": beschrijving, "content": {content_type: {"schema": schema}}}


def foutantwoorden_toevoegen(result, generator, request, public):
    """drf-spectacular postprocessing hook: the answers of the layers around every view."""
    for pad in result.get("paths", {}).values():
        for methode, operatie in pad.items():
            if methode not in ("get", "post", "put", "patch", "delete"):
                continue
            antwoorden = operatie.setdefault("responses", {})
            antwoorden.setdefault(
                "413", _json(PROBLEEM, "request body above the limit for this path", "application/problem+json")
            )
            antwoorden.setdefault(
                "503", _json(PROBLEEM, "database or Redis unavailable; try again", "application/problem+json")
            )
            if "requestBody" in operatie:
                antwoorden.setdefault("415", _json(DETAIL, "unsupported Content-Type of the body"))
                # The body can fail before the fields are read (not JSON, nested too deep): one message.
                bestaand = antwoorden.get("400")
                if bestaand:
                    for media in bestaand.get("content", {}).values():
                        media["schema"] = {"oneOf": [media["schema"], DETAIL]}
                else:
                    antwoorden["400"] = _json({"oneOf": [VELDFOUTEN, DETAIL]}, "invalid body or fields")
    return result
