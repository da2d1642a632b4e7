from django.contrib.auth.management import create_permissions
from django.db import migrations

# Which role holds which right; the same as accounts/roles.py (tests/coordinatie/test_toegang.py
# checks they agree). The partner holds none of them.
RECHTEN = {
    "coordinator": ["werkscherm_zien", "meldingen_triageren"],
    "approver": ["werkscherm_zien", "meldingen_triageren"],
    "auditor": ["werkscherm_zien", "inzage_lezen"],
    "admin": ["werkscherm_zien", "meldingen_triageren", "inzage_lezen"],
    "partner": [],
}


def rechten_geven(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); make them now.
    config = apps.get_app_config("coordinatie")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for rol, codenames in RECHTEN.items():
        groep, _ = Group.objects.get_or_create(name=rol)
        groep.permissions.add(
            *Permission.objects.filter(content_type__app_label="coordinatie", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("coordinatie", "0001_notities_en_inzage"),
        ("accounts", "0001_rollen"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(rechten_geven, migrations.RunPython.noop)]
