from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "knotwork.core"
    label = "core"
    verbose_name = "Core"
