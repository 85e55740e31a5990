"""Notices in the app and by e-mail: the table of events (table.py), sending (send.py), the page (views.py)."""
