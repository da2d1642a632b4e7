from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from kaart.tegels import tegel
from meldingen import urls as meldingen_urls
from publiek import urls as publiek_urls
from publiek.open_data import buurtcijfers

from .views import ApiDocsView

# A database or Redis failure raised outside a view (e.g. the session's save) is a Dutch 503 too.
handler500 = "config.middleware.server_error"

urlpatterns = [
    path("api/v1/", include("meldingen.api_urls")),
    path("api/v1/", include("publiek.api_urls")),
    path("api/v1/", include("kaart.urls")),
    path("api/v1/", include("partner.api_urls")),
    path("kaart/tegels/<int:z>/<int:x>/<int:y>.png", tegel, name="kaart-tegel"),
    path("coordinatie/", include("coordinatie.urls")),
    path("partner/", include("partner.urls")),
    path("account/", include("accounts.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="schema"), name="api-docs"),
    path("integrations/", include("integrations.urls")),
    # The buurt figures as open data (issue 16; docs/api.md "Open data"): no language prefix, no login.
    path("open-data/buurtcijfers.<str:formaat>", buurtcijfers, name="open_data"),
    path("beheer/", admin.site.urls),
]
# The residents' pages choose their language by URL: Dutch at /melden/, English at /en/melden/. No
# cookie and no CSRF form (Django's /i18n/setlang/ is deliberately not routed): a resident's browser
# keeps nothing that says it was here (config/taal.py, docs/architecture.md "Anonymity"). Staff pages,
# the APIs and the Twilio webhook stay unprefixed and follow Accept-Language.
urlpatterns += i18n_patterns(
    path("", RedirectView.as_view(pattern_name="meldingen:melden", permanent=False)),
    # Filing (meldingen) and following (publiek, composed above meldingen so it can show actions later)
    # share the residents' URL space and its namespace.
    path("melden/", include((meldingen_urls.urlpatterns + publiek_urls.urlpatterns, "meldingen"))),
    # What was done in a buurt and how much was reported there (issue 16).
    path("buurt/", include(("publiek.buurt_urls", "buurt"))),
    prefix_default_language=False,
)
# No MEDIA_URL route, not even with DEBUG: reporters' photos are private (meldingen/storage.py) and
# leave the server only through coordinatie:foto, which checks the role and writes the audit trail.
