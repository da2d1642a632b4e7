import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The covenant partners of DOMAIN.md ("Who uses it", "Words"); editable in the admin afterwards.
ORGANISATIES = [
    ("oov", "Gemeente Amsterdam, OOV", "gemeente"),
    ("politie", "Politie Amsterdam", "politie"),
    ("handhaving", "Handhaving gemeente Amsterdam", "handhaving"),
    ("ymere", "Ymere", "woningcorporatie"),
    ("eigen_haard", "Eigen Haard", "woningcorporatie"),
    ("stadgenoot", "Stadgenoot", "woningcorporatie"),
    ("rochdale", "Rochdale", "woningcorporatie"),
    ("de_alliantie", "De Alliantie", "woningcorporatie"),
    ("de_key", "De Key", "woningcorporatie"),
    ("saoa", "SAOA (straatcoaches)", "straatcoaches"),
    ("zoeklicht", "Bureau Zoeklicht", "zoeklicht"),
]


def organisaties_maken(apps, schema_editor):
    Organisatie = apps.get_model("accounts", "Organisatie")
    for code, naam, soort in ORGANISATIES:
        Organisatie.objects.get_or_create(code=code, defaults={"naam": naam, "soort": soort})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_rollen"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Organisatie",
            fields=[
                ("code", models.SlugField(max_length=32, primary_key=True, serialize=False)),
                ("naam", models.CharField(max_length=120, verbose_name="naam")),
                (
                    "soort",
                    models.CharField(
                        choices=[
                            ("gemeente", "Gemeente"),
                            ("politie", "Politie"),
                            ("handhaving", "Handhaving"),
                            ("woningcorporatie", "Woningcorporatie"),
                            ("straatcoaches", "Straatcoaches"),
                            ("zoeklicht", "Bureau Zoeklicht"),
                        ],
                        max_length=20,
                        verbose_name="soort",
                    ),
                ),
                ("actief", models.BooleanField(default=True, verbose_name="actief")),
            ],
            options={"verbose_name": "organisatie", "verbose_name_plural": "organisaties", "ordering": ["naam"]},
        ),
        migrations.CreateModel(
            name="Lidmaatschap",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "organisatie",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="leden", to="accounts.organisatie"
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lidmaatschap",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"verbose_name": "lidmaatschap", "verbose_name_plural": "lidmaatschappen"},
        ),
        migrations.RunPython(organisaties_maken, migrations.RunPython.noop),
    ]
