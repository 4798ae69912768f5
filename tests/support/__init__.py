"""Helpers shared by the end-to-end tests and the HTTP benchmark."""
