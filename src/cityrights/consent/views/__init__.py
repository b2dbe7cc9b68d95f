"""Views of the consent app: the resident portal and the staff pages."""
