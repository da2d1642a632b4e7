"""What may reach a log line: no client address, no phone number, no meldcode.

A meldcode in a logged URL is tied to the second the line was written (the access log, and every
outside collector, stamps each line), and the filing second is exactly what DOMAIN.md forbids to
keep. So every place where a meldcode appears in a URL or an SMS is listed once, here, and both
Django's loggers (LOGGING in config/settings.py) and gunicorn's (config/gunicorn_logging.py) run
their lines through ``redact``. A new URL that carries a meldcode gets one line in MELDCODE_PATTERNS.

Kept free of Django settings at import time: gunicorn's master imports it before Django is set up.
"""

import logging
import re

from .anonymity import scrub

MELDCODE_PLACEHOLDER = "[meldcode]"

# (pattern, replacement). Group 1 is what stays in front of the code; a path segment ends at "?",
# "#", whitespace or a quote, which is where a URL ends inside a log line.
_END = r"?#\s\"'"
MELDCODE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # /melden/ontvangen/<code>/ and /melden/status/<code>: everything after the prefix, so a code
    # with a stray slash or an encoded space is gone too. "/melden/status/" itself (the search page) stays.
    (re.compile(rf"(/melden/(?:ontvangen|status)/)[^{_END}]+"), rf"\1{MELDCODE_PLACEHOLDER}"),
    # /api/v1/meldingen/<code>/status (the bare POST /api/v1/meldingen has no code and no slash after it).
    (re.compile(rf"(/api/v1/meldingen/)[^{_END}]+?(/status)?(?=[{_END}]|$)"), rf"\1{MELDCODE_PLACEHOLDER}\2"),
    # meldcode=<code> in any query string (the status search form), also as a bare query (%(q)s).
    (re.compile(r"(?im)((?:^|[?&;\s])meldcode=)[^&#\s\"']+"), rf"\1{MELDCODE_PLACEHOLDER}"),
    # The SMS keyword: "STATUS <code>" as a message body, form field (Body=STATUS+AB..) or quoted
    # value; the code is the rest of that value, however the sender spaced it.
    (
        re.compile(r"(?im)((?:^|[\"'=:])\s*STATUS(?:\s|\+|%20|:)+)[^\"'&\n]+"),
        rf"\1{MELDCODE_PLACEHOLDER}",
    ),
    # A well-formed code anywhere else (meldingen/services.py: 10 of MELDCODE_ALPHABET, upper case),
    # with at least one digit and one letter so ordinary upper-case words are left alone.
    (
        re.compile(r"\b(?=[2-9A-Z]{10}\b)(?=[A-Z]*[2-9])(?=[2-9]*[A-Z])[2-9A-HJKMNP-Z]{10}\b"),
        MELDCODE_PLACEHOLDER,
    ),
)


def redact_meldcodes(text: str) -> str:
    for pattern, replacement in MELDCODE_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact(text: str) -> str:
    """A log line without client addresses, phone numbers or meldcodes."""
    return redact_meldcodes(scrub(text))


_traceback_formatter = logging.Formatter()


class AnonymityFilter(logging.Filter):
    """Removes IP addresses, phone numbers and meldcodes from every log record before it is written.

    A second line of defence behind IntakeAnonymityMiddleware: also catches what a library logs
    from its own copy of the address or URL (runserver, gunicorn, django.request, twilio).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        # A traceback repeats the URL and the values in exception messages; the formatter uses a
        # filled-in exc_text as it is, so the redacted text is what gets written.
        if record.exc_info and not record.exc_text:
            record.exc_text = _traceback_formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        # Django attaches the request (or, for runserver, the socket) to some records; handlers such
        # as AdminEmailHandler would print its META.
        if hasattr(record, "request"):
            record.request = None
        return True
