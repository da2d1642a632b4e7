from django import template

from accounts.access import mag_inzage_lezen
from accounts.roles import mag_coordinatie_zien, mag_triageren

register = template.Library()


@register.filter
def mag_coordinatie(user) -> bool:
    return mag_coordinatie_zien(user)


@register.filter
def mag_triage(user) -> bool:
    return mag_triageren(user)


@register.filter
def mag_inzage(user) -> bool:
    return mag_inzage_lezen(user)
