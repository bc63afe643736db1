"""Pupils, their enrolments and contacts are not in the admin: every change to a pupil's
record goes through ``pupils.services``, which checks access and writes the audit row."""
