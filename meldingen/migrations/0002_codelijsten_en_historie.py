"""Seed the code lists of DOMAIN.md (editable by an administrator afterwards) and make the status
history append-only in the database itself, so no code path can rewrite it."""

from django.db import migrations

LOCATIE_TYPES = [
    ("speelplek", "Speelplek, speel- of sportveld", "Playground, play or sports field"),
    ("school", "School", "School"),
    ("zorglocatie", "Zorg- of welzijnslocatie", "Care or welfare location"),
    ("buurtcentrum", "Buurtcentrum", "Community centre"),
    ("garagebox", "Garagebox of opslagbox", "Garage or storage box"),
    ("spookwoning", "Spookwoning (niemand lijkt er te wonen, wel veel aanloop)", "Ghost home (nobody seems to live there, many visitors)"),
    ("woning", "Woning met veel aanloop", "Home with many visitors"),
    ("portiek", "Portiek, trappenhuis, galerij of berging", "Entrance, stairwell, gallery or basement storage"),
    ("parkeerplaats", "Parkeerplaats of parkeergarage", "Car park or parking garage"),
    ("park", "Park of groen", "Park or green space"),
    ("straat", "Straat, plein of winkelgebied", "Street, square or shopping area"),
    ("horeca_winkel", "Café, winkel of shishalounge", "Bar, shop or shisha lounge"),
    ("overig", "Andere plek", "Other place"),
]
WAARNEMINGEN = [
    ("dealen", "Dealen (verkopen, overhandigen)", "Dealing (selling, hand-overs)"),
    ("aanloop", "Veel aanloop (korte bezoeken, auto's en scooters)", "Many short visits (cars, scooters coming and going)"),
    ("opslag", "Opslag van drugs of spullen", "Stashing drugs or goods"),
    ("ronselen", "Jongeren worden benaderd of als loopjongen gebruikt", "Young people approached or used as runners"),
    ("intimidatie", "Bedreiging, intimidatie of rondhangen", "Threats, intimidation or loitering"),
    ("geweld", "Geweld of wapens", "Violence or weapons"),
    ("gebruik", "Gebruik (naalden, lachgas)", "Drug use (needles, nitrous oxide)"),
    ("overig", "Iets anders", "Something else"),
]
MELDER_ROLLEN = [
    ("bewoner", "Bewoner", "Resident"),
    ("school", "Medewerker van een school", "School staff"),
    ("zorg", "Medewerker zorg of welzijn", "Care or welfare staff"),
    ("ondernemer", "Ondernemer", "Shopkeeper or business owner"),
    ("jongerenwerk", "Jongerenwerker", "Youth worker"),
    ("anders", "Anders", "Other"),
    ("onbekend", "Wil ik niet zeggen", "Rather not say"),
]


def seed(apps, schema_editor):
    for model_name, rows in (
        ("LocatieType", LOCATIE_TYPES),
        ("Waarneming", WAARNEMINGEN),
        ("MelderRol", MELDER_ROLLEN),
    ):
        model = apps.get_model("meldingen", model_name)
        for volgorde, (code, nl, en) in enumerate(rows):
            model.objects.update_or_create(code=code, defaults={"label_nl": nl, "label_en": en, "volgorde": volgorde})


APPEND_ONLY = """
CREATE OR REPLACE FUNCTION meldingen_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'meldingen_meldingevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER meldingen_event_no_update BEFORE UPDATE ON meldingen_meldingevent
    FOR EACH ROW EXECUTE FUNCTION meldingen_event_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("meldingen", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunSQL(
            APPEND_ONLY,
            "DROP TRIGGER IF EXISTS meldingen_event_no_update ON meldingen_meldingevent;"
            "DROP FUNCTION IF EXISTS meldingen_event_append_only();",
        ),
    ]
