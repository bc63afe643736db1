from django.apps import AppConfig


class PupilsConfig(AppConfig):
    name = "knotwork.pupils"
    label = "pupils"
