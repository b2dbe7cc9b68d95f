"""The impact app."""
