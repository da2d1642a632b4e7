from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from kaart.tegels import tegel

from .views import ApiDocsView

# A database or Redis failure raised outside a view (e.g. the session's save) is a Dutch 503 too.
handler500 = "config.middleware.server_error"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="meldingen:melden", permanent=False)),
    path("melden/", include("meldingen.urls")),
    path("api/v1/", include("meldingen.api_urls")),
    path("api/v1/", include("kaart.urls")),
    path("kaart/tegels/<int:z>/<int:x>/<int:y>.png", tegel, name="kaart-tegel"),
    path("coordinatie/", include("coordinatie.urls")),
    path("account/", include("accounts.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="schema"), name="api-docs"),
    path("integrations/", include("integrations.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
]
# No MEDIA_URL route, not even with DEBUG: reporters' photos are private (meldingen/storage.py) and
# leave the server only through coordinatie:foto, which checks the role and writes the audit trail.
