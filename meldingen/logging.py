import logging

from .anonymity import scrub


class AnonymityFilter(logging.Filter):
    """Removes IP addresses and phone numbers from every log record before it is written.

    A second line of defence behind IntakeAnonymityMiddleware: also catches what a library logs
    from its own copy of the address (runserver, gunicorn's error log, twilio).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        # Django attaches the request (or, for runserver, the socket) to some records; handlers such
        # as AdminEmailHandler would print its META.
        if hasattr(record, "request"):
            record.request = None
        return True
