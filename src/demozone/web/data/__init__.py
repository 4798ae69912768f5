"""Bundled campaign templates and demo data (YAML)."""
