from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "accounts"
    default = True


class BeheerAdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site class as ``admin.site``, so every app's registrations land on it
    and config/urls.py keeps ``admin.site.urls``."""

    default = False
    default_site = "accounts.beheer.BeheerSite"
