from django import forms
from django.utils.translation import gettext_lazy as _

from acties.models import BevestigingWijze
from acties.workflow import ActieStatus, Urgentie
from meldingen.selectors import melding_zoeken
from meldingen.workflow import AfwijsReden

from .models import NOTITIE_MAX, InzagePagina
from .services import (
    BERICHT_MAX,
    BulkActie,
    TriageActie,
)

# Rejecting as a duplicate has its own step (with the original); these are the other reasons.
AFWIJS_REDENEN = [(r.value, r.label) for r in AfwijsReden if r != AfwijsReden.DUBBEL]


class TriageForm(forms.Form):
    """One triage step on one melding; which fields count depends on `actie`."""

    actie = forms.ChoiceField(
        choices=[
            (TriageActie.ACCEPTEREN, _("Accepteren")),
            (TriageActie.AFWIJZEN, _("Afwijzen")),
            (TriageActie.DUBBEL, _("Dubbel")),
            (TriageActie.AFHANDELEN, _("Afhandelen zonder actie")),
            (TriageActie.HEROPENEN, _("Heropenen")),
            (TriageActie.ONGEDAAN, _("Ongedaan maken")),
            (TriageActie.HOTSPOT, _("Koppelen aan hotspot")),
            (TriageActie.NOTITIE, _("Notitie")),
        ]
    )
    reden = forms.ChoiceField(label=_("Reden"), choices=AFWIJS_REDENEN, required=False)
    toelichting = forms.CharField(label=_("Toelichting"), max_length=500, required=False)
    origineel = forms.CharField(label=_("Dubbel van (referentie of meldcode)"), max_length=20, required=False)
    hotspot = forms.IntegerField(label=_("Hotspot"), min_value=1, required=False)
    tekst = forms.CharField(label=_("Interne notitie"), max_length=NOTITIE_MAX, required=False)
    bericht = forms.CharField(label=_("Bericht voor de melder"), max_length=BERICHT_MAX, required=False)

    def clean(self):
        data = super().clean()
        actie = data.get("actie")
        if actie == TriageActie.AFWIJZEN and not data.get("reden"):
            self.add_error("reden", _("Kies een reden om af te wijzen."))
        if actie == TriageActie.DUBBEL:
            getypt = (data.get("origineel") or "").strip()
            origineel = melding_zoeken(term=getypt)
            if not getypt:
                self.add_error("origineel", _("Kies de melding waarvan dit een dubbele is."))
            elif origineel is None:
                self.add_error("origineel", _("Melding %(code)s bestaat niet.") % {"code": getypt[:20]})
            data["origineel_melding"] = origineel
        if actie == TriageActie.AFHANDELEN and not (data.get("bericht") or "").strip():
            self.add_error("bericht", _("Schrijf een bericht voor de melder: wat er met de melding is gedaan."))
        if actie == TriageActie.HOTSPOT and not data.get("hotspot"):
            self.add_error("hotspot", _("Kies een hotspot."))
        if actie == TriageActie.NOTITIE and not (data.get("tekst") or "").strip():
            self.add_error("tekst", _("Schrijf eerst een notitie."))
        return data


class BulkForm(forms.Form):
    actie = forms.ChoiceField(
        label=_("Actie"),
        choices=[(BulkActie.ACCEPTEREN, _("Accepteren")), (BulkActie.AFWIJZEN, _("Afwijzen"))],
    )
    reden = forms.ChoiceField(label=_("Reden bij afwijzen"), choices=[("", "—"), *AFWIJS_REDENEN], required=False)
    meldingen = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is a valid choice here; the service skips ids that do not exist or moved on.
        self.fields["meldingen"].valid_value = lambda value: str(value).isdigit()
        self.fields["meldingen"].error_messages["required"] = _("Selecteer eerst een of meer meldingen.")

    def clean(self):
        data = super().clean()
        if data.get("actie") == BulkActie.AFWIJZEN and not data.get("reden"):
            self.add_error("reden", _("Kies een reden om af te wijzen."))
        return data


class InzageFilterForm(forms.Form):
    gebruiker = forms.CharField(label=_("Gebruiker"), max_length=150, required=False)
    meldcode = forms.CharField(label=_("Melding (referentie of meldcode)"), max_length=20, required=False)
    pagina = forms.ChoiceField(label=_("Soort"), choices=[("", _("Alle")), *InzagePagina.choices], required=False)
    van = forms.DateField(label=_("Van"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    tot = forms.DateField(label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ActieVoorstelForm(forms.Form):
    """The proposal of one action of a chosen type. The partners offered are the covenant's parties
    (acties.selectors.convenant_partijen): the form offers only those, the service checks them again."""

    verantwoordelijke = forms.ModelChoiceField(
        label=_("Uitvoerende organisatie"), queryset=None, required=False, empty_label=_("Later kiezen")
    )
    deelnemers = forms.ModelMultipleChoiceField(
        label=_("Deelnemende organisaties (lezen mee)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    urgentie = forms.ChoiceField(label=_("Urgentie"), choices=Urgentie.choices, initial=Urgentie.NORMAAL)
    gepland_van = forms.DateField(
        label=_("Gepland vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    gepland_tot = forms.DateField(
        label=_("Gepland tot"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    adres = forms.CharField(
        label=_("Adres (straat en huisnummer)"),
        required=False,
        max_length=200,
        help_text=_("Nodig als de actie zich op een woning richt; het punt wordt bij PDOK opgezocht."),
    )
    bag_id = forms.RegexField(label=_("BAG-id (optioneel)"), regex=r"^\d{16}$", required=False, max_length=16)
    partner_samenvatting = forms.CharField(
        label=_("Samenvatting voor de partner"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wat de partner moet weten. Citeer geen melders en noem geen namen."),
    )
    publieke_samenvatting = forms.CharField(
        label=_("Publieke samenvatting"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    interne_notitie = forms.CharField(
        label=_("Interne notitie (alleen coördinatoren)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, partijen, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verantwoordelijke"].queryset = partijen
        self.fields["deelnemers"].queryset = partijen

    def clean(self):
        data = super().clean()
        van, tot = data.get("gepland_van"), data.get("gepland_tot")
        if van and tot and tot < van:
            self.add_error("gepland_tot", _("Het einde ligt vóór het begin."))
        verantwoordelijke = data.get("verantwoordelijke")
        if verantwoordelijke and verantwoordelijke in (data.get("deelnemers") or []):
            self.add_error("deelnemers", _("De uitvoerende organisatie is al betrokken; vink haar hier niet aan."))
        return data


class ActieStapForm(forms.Form):
    """A coordinator's or approver's step on an action (the partner's steps are in partner/)."""

    naar = forms.ChoiceField(
        choices=[
            (ActieStatus.WACHT_OP_AKKOORD, _("Ter goedkeuring voorleggen")),
            (ActieStatus.GOEDGEKEURD, _("Goedkeuren")),
            (ActieStatus.VOORGESTELD, _("Terugsturen")),
            (ActieStatus.TOEGEWEZEN, _("Toewijzen")),
            (ActieStatus.GEANNULEERD, _("Annuleren")),
        ]
    )
    reden = forms.CharField(label=_("Reden"), required=False, max_length=2000)
    verantwoordelijke = forms.ModelChoiceField(label=_("Uitvoerende organisatie"), queryset=None, required=False)

    def __init__(self, *args, partijen, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verantwoordelijke"].queryset = partijen


class MeldingenAfsluitenForm(forms.Form):
    notitie = forms.CharField(
        label=_("Bericht voor de melders"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Onder een convenant dat alleen de status toestaat (Zoeklicht) horen melders alleen „afgehandeld”."
        ),
    )


class ActieBevestigingForm(forms.Form):
    wijze = forms.ChoiceField(label=_("Hoe is het bevestigd?"), choices=BevestigingWijze.choices)
    toelichting = forms.CharField(
        label=_("Wat is bevestigd, door wie"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActieBesluitForm(forms.Form):
    besluit_openbaar_op = forms.DateField(label=_("Besluit openbaar gemaakt op"), required=False)


class ActieFilterForm(forms.Form):
    """The action list's filters from the query string; an unknown value is an error on its field."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Alle")), ("open", _("Alle open")), *ActieStatus.choices]
    )
    type = forms.ChoiceField(label=_("Soort"), required=False)
    partner = forms.ChoiceField(label=_("Uitvoerder"), required=False)
    stadsdeel = forms.ChoiceField(label=_("Stadsdeel"), required=False)
    urgentie = forms.ChoiceField(label=_("Urgentie"), required=False, choices=[("", _("Alle")), *Urgentie.choices])
    te_laat = forms.BooleanField(label=_("Alleen te laat"), required=False)
    sortering = forms.ChoiceField(
        label=_("Sorteren op"),
        required=False,
        choices=[
            ("deadline", _("Eerste deadline")),
            ("nieuwste", _("Nieuwste eerst")),
            ("oudste", _("Oudste eerst")),
            ("gewijzigd", _("Laatst gewijzigd")),
        ],
    )

    def __init__(self, *args, typen, partners, stadsdelen, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("Alle")), *typen]
        self.fields["partner"].choices = [("", _("Alle")), *partners]
        self.fields["stadsdeel"].choices = [("", _("Alle")), *stadsdelen]
