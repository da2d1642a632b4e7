"""The map endpoints are described in the OpenAPI schema with their parameters."""

import pytest

pytestmark = pytest.mark.django_db


def test_schema_describes_the_map_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    kaart = schema["paths"]["/api/v1/kaart/meldingen"]["get"]
    namen = {p["name"] for p in kaart["parameters"]}
    assert {"bbox", "zoom", "pagina", "van", "tot", "stadsdeel", "wijk", "buurt"} <= namen
    assert {"locatie_type", "waarneming", "status", "kanaal", "melder_rol"} <= namen
    assert {"200", "400", "403"} <= set(kaart["responses"])
    hotspots = schema["paths"]["/api/v1/hotspots"]["get"]
    assert {"status", "stadsdeel", "wijk", "buurt", "bbox"} <= {p["name"] for p in hotspots["parameters"]}
