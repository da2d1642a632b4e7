"""Forms and services meeting in a view: a service's ValidationError shown on the form that fed it,
and a form's errors as flash messages where the page redirects."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def fouten_op_formulier(form, fout: ValidationError) -> None:
    """Each message on its field when the form has it, else on the form as a whole."""
    per_veld = fout.message_dict if hasattr(fout, "error_dict") else {None: fout.messages}
    for veld, teksten in per_veld.items():
        for tekst in teksten:
            form.add_error(veld if veld in form.fields else None, tekst)


def fouten_als_berichten(request, fouten) -> None:
    """A form's errors (or a ValidationError) as error messages for the next page."""
    if isinstance(fouten, ValidationError):
        teksten = fouten.messages
    else:
        teksten = [tekst for lijst in fouten.values() for tekst in lijst]
    for tekst in teksten:
        messages.error(request, tekst)
