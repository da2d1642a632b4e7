from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION hotspots_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'hotspots_hotspotevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER hotspots_event_no_update BEFORE UPDATE ON hotspots_hotspotevent
    FOR EACH ROW EXECUTE FUNCTION hotspots_event_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("hotspots", "0001_initial")]

    operations = [
        migrations.RunSQL(
            APPEND_ONLY,
            "DROP TRIGGER IF EXISTS hotspots_event_no_update ON hotspots_hotspotevent;"
            "DROP FUNCTION IF EXISTS hotspots_event_append_only();",
        ),
    ]
