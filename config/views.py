"""Project-level views that belong to no app."""

from csp.constants import SELF
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView

# What Redoc (drf-spectacular-sidecar's pinned bundle) needs beyond the site's policy, on this page only.
# Its styled-components and the page's own script carry the response's nonce
# (templates/drf_spectacular/redoc.html), but the bundle writes two <style> elements while it loads,
# before it can be handed the nonce: an empty one (later filled through the CSSOM, which the policy does
# not govern) and perfect-scrollbar's stylesheet. They are allowed by the hash of their exact text, so
# nothing else inline is; a new Redoc with other text shows up as a violation in tests/browser/test_csp.py.
# Redoc's search runs in a Web Worker started from a blob: URL.
REDOC_CSP = {
    "style-src": [
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # "" (the empty element)
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # perfect-scrollbar's .ps{…} rules
    ],
    "worker-src": [SELF, "blob:"],
}


@method_decorator(csp_update(REDOC_CSP), name="dispatch")
class ApiDocsView(SpectacularRedocView):
    """Redoc from drf-spectacular-sidecar's static files (REDOC_DIST = "SIDECAR"), no fonts from Google
    (templates/drf_spectacular/redoc.html), under the site's Content-Security-Policy plus REDOC_CSP."""

    # An HTML page, not an API operation: without this it appeared in the schema as /api/docs/.
    schema = None
