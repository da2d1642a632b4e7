"""SMS channel state. Numbers are never stored in clear (DOMAIN.md, anonymity rules):

- `SmsGesprek` and rate limiting use `afzender`, an HMAC-SHA256 of the number with PHONE_HASH_KEY,
  and the conversation row is deleted when the conversation ends or after 30 idle minutes;
- only a reporter who opts in to status updates leaves the number, Fernet-encrypted, in
  `SmsAbonnement`, deleted when the melding is closed or after 90 days, whichever comes first.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SmsGesprek(models.Model):
    """One ongoing SMS conversation; the state is a small JSON document (step, language, what is known)."""

    afzender = models.CharField(max_length=64, unique=True)
    toestand = models.JSONField(default=dict)
    laatst_actief = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("sms-gesprek")
        verbose_name_plural = _("sms-gesprekken")

    def __str__(self) -> str:
        return f"gesprek {self.afzender[:8]}…"


class SmsBericht(models.Model):
    """A handled inbound message: Twilio redelivers a MessageSid on timeouts, and gets the same reply."""

    message_sid = models.CharField(max_length=64, unique=True)
    antwoord = models.TextField()
    # To the hour, like every other intake timestamp; rows are purged after two days.
    ontvangen_op = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("sms-bericht")
        verbose_name_plural = _("sms-berichten")

    def __str__(self) -> str:
        return self.message_sid


class SmsAbonnement(models.Model):
    """A reporter's opt-in to status updates by SMS."""

    melding = models.OneToOneField("meldingen.Melding", on_delete=models.CASCADE, related_name="sms_abonnement")
    nummer_versleuteld = models.BinaryField()
    taal = models.CharField(max_length=2, default="nl")
    aangemaakt_op = models.DateTimeField()
    verwijderen_na = models.DateTimeField(db_index=True)
    # The last MeldingEvent already reported to this subscriber: several status changes before the outbox
    # handler runs give one text with the latest status, and a repeated delivery finds nothing new.
    laatste_event_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("sms-abonnement")
        verbose_name_plural = _("sms-abonnementen")

    def __str__(self) -> str:
        return f"abonnement op {self.melding_id}"


class UitgaandSmsStatus(models.TextChoices):
    WACHTRIJ = "wachtrij", _("In de wachtrij")
    VERZONDEN = "verzonden", _("Verzonden")
    MISLUKT = "mislukt", _("Mislukt (dead letter)")


class DienstNummer(models.Model):
    """A partner organisation's duty number for urgent (`spoed`) actions (issue 15): a work number, stored
    Fernet-encrypted like opted-in numbers and never shown or logged; the admin can only replace it."""

    organisatie = models.OneToOneField("accounts.Organisatie", on_delete=models.CASCADE, related_name="dienstnummer")
    nummer_versleuteld = models.BinaryField()
    bijgewerkt_op = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dienstnummer")
        verbose_name_plural = _("dienstnummers")

    def __str__(self) -> str:
        return f"dienstnummer van {self.organisatie_id}"


class UitgaandSms(models.Model):
    """An outbound SMS and its delivery attempts; `mislukt` rows are the dead-letter record."""

    abonnement = models.ForeignKey(SmsAbonnement, null=True, blank=True, on_delete=models.SET_NULL)
    # Or a partner's duty number (a spoed action), and the action it is about (shown on its page).
    dienstnummer = models.ForeignKey(DienstNummer, null=True, blank=True, on_delete=models.SET_NULL)
    actie = models.ForeignKey("acties.Actie", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tekst = models.TextField()
    status = models.CharField(max_length=12, choices=UitgaandSmsStatus.choices, default=UitgaandSmsStatus.WACHTRIJ)
    pogingen = models.PositiveSmallIntegerField(default=0)
    laatste_fout = models.TextField(blank=True)
    twilio_sid = models.CharField(max_length=64, blank=True)
    # The outbox event that caused this text with the subscription ("<event uuid>:<abonnement id>"): a
    # repeated delivery of the event cannot queue a second text.
    sleutel = models.CharField(max_length=80, null=True, blank=True, unique=True)
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    bijgewerkt_op = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("uitgaande sms")
        verbose_name_plural = _("uitgaande sms'en")

    def __str__(self) -> str:
        return f"sms {self.pk} ({self.status})"


class WebhookAbonnement(models.Model):
    """A partner organisation's endpoint for webhooks (issue 15): where its action events go, signed as
    the Standard Webhooks specification says with the endpoint's own `whsec_` secret, which is stored
    Fernet-encrypted (WEBHOOK_ENCRYPTION_KEY) because signing needs it back."""

    organisatie = models.ForeignKey("accounts.Organisatie", on_delete=models.PROTECT, related_name="webhooks")
    url = models.URLField(_("URL"), max_length=500)
    geheim_versleuteld = models.BinaryField(editable=False)
    actief = models.BooleanField(_("actief"), default=True)
    uitgeschakeld_op = models.DateTimeField(_("uitgeschakeld op"), null=True, blank=True)
    uitgeschakeld_reden = models.CharField(_("reden van uitschakelen"), max_length=200, blank=True)
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return f"{self.organisatie_id}: {self.url}"


class WebhookBerichtStatus(models.TextChoices):
    WACHTEND = "wachtend", _("Wachtend")
    AFGELEVERD = "afgeleverd", _("Afgeleverd")
    DOOD = "dood", _("Mislukt (dead letter)")


class WebhookBericht(models.Model):
    """One event for one endpoint. `msg_id` is the `webhook-id` of every attempt, so a receiver can drop
    a repeat; `volgorde` (the outbox event's id) keeps the order per action."""

    abonnement = models.ForeignKey(WebhookAbonnement, on_delete=models.PROTECT, related_name="berichten")
    actie = models.ForeignKey("acties.Actie", on_delete=models.PROTECT, related_name="+")
    event_sleutel = models.UUIDField()
    volgorde = models.BigIntegerField()
    msg_id = models.CharField(max_length=40, unique=True)
    type = models.CharField(max_length=60)
    payload = models.JSONField()
    status = models.CharField(
        max_length=12, choices=WebhookBerichtStatus.choices, default=WebhookBerichtStatus.WACHTEND
    )
    pogingen = models.PositiveSmallIntegerField(default=0)
    volgende_poging_op = models.DateTimeField(null=True, blank=True)
    afgeleverd_op = models.DateTimeField(null=True, blank=True)
    aangemaakt_op = models.DateTimeField()

    class Meta:
        verbose_name = _("webhookbericht")
        verbose_name_plural = _("webhookberichten")
        constraints = [
            models.UniqueConstraint(fields=["abonnement", "event_sleutel"], name="webhookbericht_eenmaal"),
        ]
        indexes = [
            models.Index(fields=["status", "volgende_poging_op"], name="webhookbericht_te_doen"),
            models.Index(fields=["abonnement", "actie", "volgorde"], name="webhookbericht_volgorde"),
        ]

    def __str__(self) -> str:
        return f"{self.msg_id} ({self.status})"


class WebhookPoging(models.Model):
    """The delivery log: one row per attempt, append-only."""

    bericht = models.ForeignKey(WebhookBericht, on_delete=models.CASCADE, related_name="log")
    tijdstip = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    fout = models.CharField(max_length=200, blank=True)
    duur_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("webhookpoging")
        verbose_name_plural = _("webhookpogingen")

    def __str__(self) -> str:
        return f"{self.bericht_id} {self.tijdstip:%Y-%m-%d %H:%M:%S} {self.status_code or self.fout}"


class EmailStatus(models.TextChoices):
    WACHTEND = "wachtend", _("Wachtend")
    VERZONDEN = "verzonden", _("Verzonden")
    MISLUKT = "mislukt", _("Mislukt")


class VerzondenEmail(models.Model):
    """An e-mail about an action (issue 15), one per event and recipient: a repeated event sends nothing
    twice, and the coordinators see what went to whom and whether the mail server took it."""

    actie = models.ForeignKey("acties.Actie", on_delete=models.PROTECT, related_name="+")
    event_sleutel = models.UUIDField()
    soort = models.CharField(max_length=30)
    aan = models.EmailField()
    onderwerp = models.CharField(max_length=200)
    # The text as sent (never a reporter's words: integrations/email.py builds it from the action alone).
    tekst = models.TextField()
    status = models.CharField(max_length=12, choices=EmailStatus.choices, default=EmailStatus.WACHTEND)
    pogingen = models.PositiveSmallIntegerField(default=0)
    fout = models.CharField(max_length=200, blank=True)
    aangemaakt_op = models.DateTimeField()
    verzonden_op = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("verzonden e-mail")
        verbose_name_plural = _("verzonden e-mails")
        constraints = [models.UniqueConstraint(fields=["event_sleutel", "aan"], name="email_eenmaal")]

    def __str__(self) -> str:
        return f"{self.soort} aan {self.aan} ({self.status})"
