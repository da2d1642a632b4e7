"""Project-level views that belong to no app."""

from drf_spectacular.views import SpectacularRedocView

# Redoc's sidebar shows Redocly's logo straight from cdn.redoc.ly; on a site for anonymous reporting
# no page may make a visitor's browser call another host, so the page forbids it (and anything else
# a future Redoc adds). Styles inline: Redoc renders with styled-components.
API_DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
    "worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


class ApiDocsView(SpectacularRedocView):
    """Redoc from drf-spectacular-sidecar's static files (REDOC_DIST = "SIDECAR"), no fonts from Google
    (templates/drf_spectacular/redoc.html), and a Content-Security-Policy that keeps it on our origin."""

    # An HTML page, not an API operation: without this it appeared in the schema as /api/docs/.
    schema = None

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = API_DOCS_CSP
        return response
