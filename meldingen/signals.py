"""Signals other apps listen to, so that meldingen never imports them (hotspots builds on meldingen)."""

from django.dispatch import Signal

# Sent once the transaction that stored a new melding has committed; argument: melding_id.
melding_aangemaakt = Signal()
