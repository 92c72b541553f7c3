"""Organisations, people, roles, sharing grants and the audit trail."""
