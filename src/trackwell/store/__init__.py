"""Storage: interfaces (``base``) and their backends.

May import ``trackwell.schema``, SQLAlchemy and the standard library; never the server, the
services or the SDK. Every interface here has one contract test suite in ``tests/contract/`` that
runs against each backend (SQLite and PostgreSQL for SQL, local disk for blobs; S3 later).
"""
