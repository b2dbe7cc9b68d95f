"""The consent app."""
