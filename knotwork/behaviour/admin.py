"""Incidents, withdrawals and exclusions are not in the admin: they change only through
``behaviour.services``, which checks access and writes the audit row."""
