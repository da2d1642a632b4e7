import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """A fact a service recorded in the transaction that made it true; handlers act on it after commit.

    `data` holds ids and codes only, never a reporter's words or contact details. No time finer than
    the hour is stored (the creating event of a melding would otherwise give away its filing minute,
    DOMAIN.md anonymity rules), and order is the id.
    """

    # The stable event id: handlers pass it on as the idempotency key of what they send (SMS, webhook).
    sleutel = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=60)
    object_id = models.BigIntegerField(help_text=_("id van het object waarover het event gaat"))
    data = models.JSONField(default=dict, blank=True)
    created_hour = models.DateTimeField(_("aangemaakt (op het uur)"))
    done = models.BooleanField(_("afgehandeld"), default=False)
    # Dispatch runs in which one of its handlers failed; from OUTBOX_MAX_ATTEMPTS on it is a dead letter.
    attempts = models.PositiveSmallIntegerField(_("mislukte pogingen"), default=0)
    # The failing handler and the exception class only: an exception's text can hold personal data.
    last_error = models.CharField(_("laatste fout"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["id"]
        indexes = [
            # The dispatcher's only question: which events are not done yet, oldest first.
            models.Index(fields=["id"], condition=models.Q(done=False), name="outbox_event_open"),
            models.Index(fields=["type", "object_id"], name="outbox_event_object"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.object_id} ({self.sleutel})"


class HandledEvent(models.Model):
    """That one handler finished one event: a repeated dispatch skips it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="handled")
    handler = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("afgehandeld event")
        verbose_name_plural = _("afgehandelde events")
        constraints = [models.UniqueConstraint(fields=["event", "handler"], name="outbox_handled_once")]

    def __str__(self) -> str:
        return f"{self.handler} ← {self.event_id}"
