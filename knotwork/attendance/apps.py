from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "knotwork.attendance"
    label = "attendance"
