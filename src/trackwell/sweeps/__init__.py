"""Sweep config schema, search methods and the agent (a later issue)."""
