"""A sample project."""
