from django.urls import path

from integrations.twilio import views

app_name = "integrations"
urlpatterns: list = [
    path("twilio/sms", views.sms_webhook, name="twilio-sms"),
]
