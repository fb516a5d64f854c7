"""Logged tables as queryable columnar copies: the interface (``base``) and the DuckDB backend."""
