from django import template

from acties.workflow import ActieStatus
from hotspots.workflow import HotspotStatus

register = template.Library()
_LABELS = dict(ActieStatus.choices)
_HOTSPOT_LABELS = dict(HotspotStatus.choices)


@register.filter
def actie_status(code: str) -> str:
    """The readable label of an action status code ("wacht_op_akkoord" → "Wacht op akkoord")."""
    return str(_LABELS.get(code, code)) if code else ""


@register.filter
def hotspot_status(code: str) -> str:
    """The readable label of a hotspot status code ("in_aanpak" → "In aanpak")."""
    return str(_HOTSPOT_LABELS.get(code, code)) if code else ""
