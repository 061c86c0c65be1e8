"""Audit models arrive with the audit issue; history bases live in audit.history."""
