"""Controlled vocabularies: codes are stable identifiers, labels are translations."""
