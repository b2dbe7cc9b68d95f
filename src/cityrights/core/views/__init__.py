"""Views of the core app, split by audience."""
