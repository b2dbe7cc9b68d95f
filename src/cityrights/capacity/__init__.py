"""The capacity app."""
