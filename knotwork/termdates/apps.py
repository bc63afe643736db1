from django.apps import AppConfig


class TermdatesConfig(AppConfig):
    name = "knotwork.termdates"
    label = "termdates"
