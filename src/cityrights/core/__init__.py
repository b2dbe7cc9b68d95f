"""Core: organisations (cities are tenants), departments, people and roles, audit log, theme."""
