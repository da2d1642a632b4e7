"""Behind a proxy, only the address our own proxies appended to X-Forwarded-For counts (issue 10)."""

import pytest
from django.test import override_settings

from privacy.anonymity import client_address

pytestmark = pytest.mark.django_db


def test_client_address_reads_the_entry_the_trusted_proxy_appended():
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9"}
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_address(meta) == "203.0.113.9"
    with override_settings(TRUSTED_PROXY_COUNT=2):
        assert client_address(meta) == "1.2.3.4"
    with override_settings(TRUSTED_PROXY_COUNT=0):
        assert client_address(meta) == "10.0.0.2"


def test_too_few_entries_fall_back_to_the_socket_peer():
    with override_settings(TRUSTED_PROXY_COUNT=2):
        assert client_address({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}) == "10.0.0.2"


@override_settings(
    TRUSTED_PROXY_COUNT=1,
    USE_X_FORWARDED_HOST=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    STATUS_LOOKUP_MISSES_PER_HOUR=5,
)
def test_rotating_a_spoofed_leftmost_entry_still_gets_429(client):
    # given one client behind the proxy that forges a new leftmost X-Forwarded-For on every guess
    codes = []
    for attempt in range(8):
        forwarded = f"10.9.{attempt}.{attempt}, 203.0.113.50"
        response = client.get(f"/api/v1/meldingen/WW-GEEN{attempt:04d}/status", HTTP_X_FORWARDED_FOR=forwarded)
        codes.append(response.status_code)
    # then the limit still counts them as one client
    assert codes[:5] == [404] * 5
    assert codes[5:] == [429] * 3
