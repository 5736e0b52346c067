"""Policy schema, YAML loader, lint, detectors and evaluation. Imports no Django."""
