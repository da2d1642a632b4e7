"""A JSON parser that refuses deep nesting with 400 before json.loads recurses into it."""

import io

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def json_diepte(data: bytes) -> int:
    """The deepest nesting of [ and { outside strings (a linear scan; the body is already bounded)."""
    diepte = hoogste = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # "
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            diepte += 1
            hoogste = max(hoogste, diepte)
        elif byte in (0x5D, 0x7D):
            diepte -= 1
    return hoogste


class BegrensdeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = stream.read() if stream is not None else b""
        if json_diepte(data) > settings.JSON_MAX_DEPTH:
            raise ParseError("JSON is te diep genest.")
        return super().parse(io.BytesIO(data), media_type, parser_context)
