"""The register app."""
