import math

import pytest
from django.contrib.auth.models import Group

from hotspots.models import Hotspot
from tests.factories import HotspotFactory


def verschoven(latlon: tuple[float, float], noord_m: float, oost_m: float) -> tuple[float, float]:
    """A point `noord_m` north and `oost_m` east of `latlon` (good enough within a few km)."""
    lat, lon = latlon
    return (lat + noord_m / 111_320, lon + oost_m / (111_320 * math.cos(math.radians(lat))))


def bbox_rond(latlon: tuple[float, float], halve_zijde_m: float) -> str:
    zw = verschoven(latlon, -halve_zijde_m, -halve_zijde_m)
    no = verschoven(latlon, halve_zijde_m, halve_zijde_m)
    return f"{zw[1]},{zw[0]},{no[1]},{no[0]}"


@pytest.fixture
def client_als(client, django_user_model):
    """A test client logged in as a new user in the given role groups (none: a user without a role)."""

    def make(*rollen: str):
        user = django_user_model.objects.create_user(username=f"u{django_user_model.objects.count()}", password="x")
        for rol in rollen:
            user.groups.add(Group.objects.get(name=rol))
        client.force_login(user)
        return client

    return make


@pytest.fixture
def coordinator(client_als):
    return client_als("coordinator")


def maak_hotspot(latlon, *, straal_m=50, **kwargs) -> Hotspot:
    return HotspotFactory(latlon=latlon, straal_m=straal_m, **kwargs)
