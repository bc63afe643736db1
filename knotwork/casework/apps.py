from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "knotwork.casework"
    label = "casework"
    verbose_name = "Casework"
