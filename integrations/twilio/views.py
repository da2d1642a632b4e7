"""Twilio's inbound-SMS webhook: verify, then hand over to one service (STYLE.md, "Webhooks")."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from .services import sms_ontvangen


def handtekening_klopt(request: HttpRequest) -> bool:
    """Checks X-Twilio-Signature over the URL Twilio called and the POST parameters.

    Behind a TLS-terminating proxy the URL is rebuilt from X-Forwarded-Proto/-Host, which Django
    trusts only with SECURE_PROXY_SSL_HEADER and USE_X_FORWARDED_HOST (DJANGO_BEHIND_PROXY=1);
    otherwise Twilio signed https://public-host/... and we would check http://internal-host/...
    """
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(request.build_absolute_uri(), request.POST, signature)


@csrf_exempt  # Twilio cannot send a CSRF token; the signature proves the sender instead.
@require_POST
def sms_webhook(request: HttpRequest) -> HttpResponse:
    if not handtekening_klopt(request):
        return HttpResponseForbidden()
    message_sid = request.POST.get("MessageSid") or request.POST.get("SmsSid", "")
    van = request.POST.get("From", "")
    if not message_sid or not van:
        return HttpResponseBadRequest()
    antwoord = sms_ontvangen(message_sid=message_sid, van=van, tekst=request.POST.get("Body", ""))
    twiml = MessagingResponse()
    if antwoord:
        twiml.message(antwoord)
    return HttpResponse(str(twiml), content_type="text/xml")
