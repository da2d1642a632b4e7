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


class UitgaandSms(models.Model):
    """An outbound SMS and its delivery attempts; `mislukt` rows are the dead-letter record."""

    abonnement = models.ForeignKey(SmsAbonnement, null=True, blank=True, on_delete=models.SET_NULL)
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
