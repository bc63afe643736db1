"""Bringing register marks in from files: CSV (UPN, URN, date, session, code) and the
attendance part of a Common Transfer File.

- ``marks_file``: reading a file into columns and checking each field (no database);
- ``checks``: checking every line against knotwork's records before anything is written;
- ``writing``: saving all the marks of a file in one transaction, in bulk;
- ``runs``: import runs (upload, task, progress, outcome, error report).
"""
