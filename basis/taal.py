"""URL language prefixes (`/en/melden/` → `/melden/`), for code that recognises pages by their path."""

from django.utils import translation
from django.utils.translation.trans_real import language_code_prefix_re


def zonder_taalprefix(path: str) -> str:
    """/en/melden/ → /melden/: for code that recognises residents' pages by their path (body limits,
    the 503 page that keeps what was typed)."""
    match = language_code_prefix_re.match(path)
    if match and translation.get_language_from_path(path):
        return path[len(match.group(1)) + 1 :]
    return path
