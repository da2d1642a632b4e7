from django import template

from acties.workflow import ActieStatus

register = template.Library()
_LABELS = dict(ActieStatus.choices)


@register.filter
def actie_status(code: str) -> str:
    """The readable label of an action status code ("wacht_op_akkoord" → "Wacht op akkoord")."""
    return str(_LABELS.get(code, code)) if code else ""
