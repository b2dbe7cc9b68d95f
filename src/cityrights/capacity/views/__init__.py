"""Views of the capacity app: thin, one module per part of the product."""
