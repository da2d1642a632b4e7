from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION acties_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER acties_event_no_change BEFORE UPDATE OR DELETE ON acties_actieevent
    FOR EACH ROW EXECUTE FUNCTION acties_append_only();
CREATE TRIGGER acties_veldwijziging_no_change BEFORE UPDATE OR DELETE ON acties_convenantveldenwijziging
    FOR EACH ROW EXECUTE FUNCTION acties_append_only();
"""

CORPORATIES = ["ymere", "eigen_haard", "stadgenoot", "rochdale", "de_alliantie", "de_key"]

# DOMAIN.md, "Covenants as data". Editable in the admin afterwards (widening the fields is audited).
CONVENANTEN = [
    {
        "code": "doorzon",
        "naam": "Convenant Doorzon",
        "rechtsgrond": (
            "Convenant Doorzon: gegevensdeling bij crimineel gebruik van woningen en panden (drugs, hennep, "
            "uitbuiting) tussen politie, gemeente en verhuurders; art. 13b Opiumwet voor sluitingen."
        ),
        "partijen": ["oov", "politie", "handhaving", *CORPORATIES],
        "velden": ["partner_samenvatting", "actie_type", "gebied", "adres", "bag_id", "aard_signaal", "periode",
                   "aantal_meldingen"],
        "melder_informatie": "volledig",
    },
    {
        "code": "zoeklicht",
        "naam": "Convenant Zoeklicht",
        "rechtsgrond": (
            "Convenant Zoeklicht: aanpak van woonfraude en onrechtmatige bewoning (spookwoningen, "
            "spookburgers). De melder hoort nooit de uitkomst van een adresonderzoek."
        ),
        "partijen": ["zoeklicht", "oov", *CORPORATIES],
        "velden": ["partner_samenvatting", "actie_type", "adres", "bag_id", "aard_signaal", "periode",
                   "aantal_meldingen"],
        "melder_informatie": "alleen_status",
    },
]

# code, nl, en, description, partner kinds, covenant, four-eyes, dwelling, days accept, days complete,
# public, public wording nl, public wording en
ACTIE_TYPES = [
    ("buurtschouw", "Buurtschouw", "Neighbourhood inspection walk", "Schouw door de buurt, vaak met bewoners.",
     ["gemeente", "handhaving", "woningcorporatie"], None, False, False, 5, 30, True,
     "Er is een buurtschouw gehouden.", "An inspection walk was held."),
    ("extra_toezicht", "Extra toezicht", "Extra patrols", "Zichtbare surveillance op vaste tijden.",
     ["politie", "handhaving"], None, False, False, 2, 14, True,
     "Er is extra toezicht ingezet.", "Extra patrols were deployed."),
    ("cameratoezicht", "Cameratoezicht", "Camera surveillance", "Tijdelijke (mobiele) camera op besluit van de burgemeester.",
     ["politie", "gemeente"], None, True, False, 5, 60, True,
     "Er is tijdelijk cameratoezicht ingezet.", "Temporary camera surveillance was deployed."),
    ("fysieke_aanpassing", "Fysieke aanpassing", "Physical change", "Verlichting, hekken, schuilplekken weg, sloten.",
     ["gemeente", "woningcorporatie"], None, False, False, 5, 60, True,
     "De plek is fysiek aangepast (bijvoorbeeld verlichting of hekken).",
     "The place was physically changed (for example lighting or fences)."),
    ("straatcoaches", "Straatcoaches", "Street coaches", "Straatcoaches op vaste tijden.",
     ["straatcoaches"], None, False, False, 3, 30, True,
     "Er zijn straatcoaches ingezet.", "Street coaches were deployed."),
    ("box_controle", "Controle garageboxen", "Garage box inspection", "Garage- of bergingsboxen controleren of ontruimen.",
     ["handhaving", "woningcorporatie"], "doorzon", False, False, 5, 30, True,
     "Garage- en bergingsboxen zijn gecontroleerd.", "Garage and storage boxes were inspected."),
    ("adresonderzoek", "Adresonderzoek", "Address investigation", "Onderzoek naar een spookwoning of onrechtmatige bewoning.",
     ["woningcorporatie", "zoeklicht"], "zoeklicht", False, True, 5, 90, False, "", ""),
    ("huurmaatregel", "Huurmaatregel", "Tenancy measure", "Civiele maatregel van de verhuurder (waarschuwing, ontbinding).",
     ["woningcorporatie"], "doorzon", False, True, 10, 180, False, "", ""),
    ("sluiting_13b", "Sluiting (13b)", "Closure (13b)", "Sluiting van een pand door de burgemeester (art. 13b Opiumwet).",
     ["gemeente", "politie"], "doorzon", True, True, 5, 90, True,
     "De burgemeester heeft een pand gesloten.", "The mayor closed premises."),
]

WERKZAAMHEDEN = {
    "oov": ["buurtschouw", "cameratoezicht", "fysieke_aanpassing", "sluiting_13b"],
    "politie": ["extra_toezicht", "cameratoezicht", "sluiting_13b"],
    "handhaving": ["buurtschouw", "extra_toezicht", "box_controle"],
    "saoa": ["straatcoaches"],
    "zoeklicht": ["adresonderzoek"],
    **{c: ["buurtschouw", "fysieke_aanpassing", "box_controle", "adresonderzoek", "huurmaatregel"] for c in CORPORATIES},
}


def seed(apps, schema_editor):
    Organisatie = apps.get_model("accounts", "Organisatie")
    Convenant = apps.get_model("acties", "Convenant")
    ActieType = apps.get_model("acties", "ActieType")
    for c in CONVENANTEN:
        convenant, _ = Convenant.objects.get_or_create(
            code=c["code"],
            defaults={
                "naam": c["naam"],
                "rechtsgrond": c["rechtsgrond"],
                "zichtbare_velden": c["velden"],
                "melder_informatie": c["melder_informatie"],
            },
        )
        convenant.partijen.add(*Organisatie.objects.filter(code__in=c["partijen"]))
    for volgorde, (code, nl, en, omschrijving, soorten, convenant, vier_ogen, woning, acc, af, publiek, pnl, pen) in (
        enumerate(ACTIE_TYPES)
    ):
        ActieType.objects.get_or_create(
            code=code,
            defaults={
                "label_nl": nl,
                "label_en": en,
                "omschrijving": omschrijving,
                "partner_soorten": soorten,
                "convenant_id": convenant,
                "vier_ogen": vier_ogen,
                "richt_zich_op_woning": woning,
                "dagen_accepteren": acc,
                "dagen_afronden": af,
                "publiek_zichtbaar": publiek,
                "publieke_tekst_nl": pnl,
                "publieke_tekst_en": pen,
                "volgorde": volgorde,
            },
        )
    for code, werk in WERKZAAMHEDEN.items():
        Organisatie.objects.filter(code=code, werkzaamheden=[]).update(werkzaamheden=werk)


class Migration(migrations.Migration):
    dependencies = [
        ("acties", "0001_initial"),
        ("accounts", "0004_organisatie_contact_werkzaamheden"),
    ]

    operations = [
        migrations.RunSQL(
            APPEND_ONLY,
            "DROP TRIGGER IF EXISTS acties_event_no_change ON acties_actieevent;"
            "DROP TRIGGER IF EXISTS acties_veldwijziging_no_change ON acties_convenantveldenwijziging;"
            "DROP FUNCTION IF EXISTS acties_append_only();",
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
