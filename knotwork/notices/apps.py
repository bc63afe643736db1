from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "knotwork.notices"
    label = "notices"
    verbose_name = "Notices"
