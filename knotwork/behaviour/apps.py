from django.apps import AppConfig


class BehaviourConfig(AppConfig):
    name = "knotwork.behaviour"
    label = "behaviour"
