"""The reporting app."""
