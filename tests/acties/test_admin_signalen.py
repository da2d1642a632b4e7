"""The service-level sweep's reminders and escalations in the admin: listed, never added, changed or
deleted by hand (issue 14)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from acties.models import Actie, ActieSignaal
from acties.services import acties_termijnen_bewaken

pytestmark = pytest.mark.django_db
LIJST = "/beheer/acties/actiesignaal/"


def test_signalen_alleen_lezen_in_de_admin(admin_client, voorstel, org):
    actie = voorstel("buurtschouw")
    nu = timezone.now()
    Actie.objects.filter(pk=actie.pk).update(
        status="toegewezen",
        verantwoordelijke=org["politie"],
        toegewezen_op=nu - timedelta(days=3),
        deadline_accepteren=nu - timedelta(hours=2),
        deadline_afronden=nu + timedelta(days=10),
    )
    assert acties_termijnen_bewaken() == 1
    signaal = ActieSignaal.objects.get()

    html = admin_client.get(LIJST).content.decode()
    assert f"{LIJST}{signaal.pk}/change/" in html
    assert signaal.get_soort_display() in html
    assert admin_client.get(f"{LIJST}add/").status_code == 403
    assert admin_client.get(f"{LIJST}{signaal.pk}/change/").status_code == 200  # a view, no save button
    assert admin_client.post(f"{LIJST}{signaal.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ActieSignaal.objects.filter(pk=signaal.pk).exists()
