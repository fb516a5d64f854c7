"""SQL backends (SQLAlchemy Core) for SQLite and PostgreSQL; the only place that writes SQL."""
