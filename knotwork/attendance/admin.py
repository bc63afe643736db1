"""Attendance records are not in the admin: marks, calls and ladder steps change only
through ``attendance.services``, which checks access and writes the audit row."""
