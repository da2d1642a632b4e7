from django import template

from accounts.access import mag_goedkeuren, mag_inzage_lezen
from accounts.roles import mag_coordinatie_zien, mag_partner_portaal, mag_triageren
from accounts.tweefactor import tweede_stap

register = template.Library()


# A session that still owes its second factor sees no staff links: they would only lead back to
# that step (TweeFactorMiddleware).
@register.filter
def mag_coordinatie(user) -> bool:
    return mag_coordinatie_zien(user) and tweede_stap(user) is None


@register.filter
def mag_triage(user) -> bool:
    return mag_triageren(user) and tweede_stap(user) is None


@register.filter
def mag_inzage(user) -> bool:
    return mag_inzage_lezen(user) and tweede_stap(user) is None


@register.filter
def mag_partner(user) -> bool:
    return mag_partner_portaal(user) and tweede_stap(user) is None


@register.filter
def mag_akkoord(user) -> bool:
    return mag_goedkeuren(user) and tweede_stap(user) is None
