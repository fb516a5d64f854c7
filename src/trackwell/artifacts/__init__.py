"""Versioned artifacts with manifests and a content-addressed cache (a later issue)."""
