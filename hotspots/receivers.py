"""Listeners to other apps' signals."""

from django.dispatch import receiver

from meldingen.signals import melding_aangemaakt

from .wachtrij import melding_aanmelden


@receiver(melding_aangemaakt, dispatch_uid="hotspots.melding_aangemaakt")
def melding_aangemaakt_ontvangen(sender, melding_id: int, **kwargs) -> None:
    melding_aanmelden(melding_id)
