"""Socle dataset types, organisation schema, validators, helpers, chooser page."""
