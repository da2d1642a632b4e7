
app_name = "integrations"
urlpatterns: list = [
    # path("twilio/sms", ...) — the SMS webhook (issue 3)
]
