from django.db import migrations

ROLLEN = ("coordinator", "approver", "partner", "auditor", "admin")


def groepen_maken(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for naam in ROLLEN:
        Group.objects.get_or_create(name=naam)


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(groepen_maken, migrations.RunPython.noop)]
