"""The throwaway cluster the contract suites rely on really starts and takes connections."""

import sqlalchemy as sa


def test_postgres_database_accepts_connections(postgres_url: str) -> None:
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("select 1 + 1")).scalar() == 2
    engine.dispose()
