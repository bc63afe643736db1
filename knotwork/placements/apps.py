from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "knotwork.placements"
    label = "placements"
    verbose_name = "Panels and placements"
