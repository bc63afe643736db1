from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "knotwork.privacy"
    label = "privacy"
    verbose_name = "Privacy"
