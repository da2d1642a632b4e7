"""gunicorn's logger without client addresses or meldcodes (set as ``logger_class`` in gunicorn.conf.py).

gunicorn writes its own error and access log before and outside Django, so Django's LOGGING filters
never see those lines: a refused request is logged as ``Invalid request from ip=<client>: ...`` and
the access log repeats every URL, meldcodes included. DOMAIN.md allows neither in a server log.
This logger puts the same AnonymityFilter as Django's on both gunicorn loggers (on the loggers, not
on a handler, so it also holds for files, syslog and a ``logconfig_dict``), redacts tracebacks, and
leaves identifying request values out of the access-log atoms, whatever format is configured.
"""

from gunicorn.glogging import Logger

# Only the logging module: it reads no Django settings, so the master can import it before Django.
from privacy.logging import AnonymityFilter, redact

# Access-log atoms that name the client or their device; SafeAtoms renders a missing atom as "-".
_IDENTIFYING_ATOMS = ("h", "a", "f", "u")
_IDENTIFYING_HEADERS = (
    "x-forwarded-for",
    "x-real-ip",
    "forwarded",
    "cf-connecting-ip",
    "true-client-ip",
    "user-agent",
    "referer",
    "cookie",
    "authorization",
)
_URL_ATOMS = ("r", "U", "q")


class AnonymousLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, AnonymityFilter) for f in log.filters):
                log.addFilter(AnonymityFilter())

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in _IDENTIFYING_ATOMS:
            atoms.pop(key, None)
        for key in [k for k in atoms if k.startswith("{") and k.endswith("}e")]:
            # The WSGI environ holds REMOTE_ADDR and every header again.
            del atoms[key]
        for header in _IDENTIFYING_HEADERS:
            atoms.pop(f"{{{header}}}i", None)
        for key in _URL_ATOMS:
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
