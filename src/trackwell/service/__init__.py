"""Domain logic behind the HTTP routes: runs, record batches, history reads, files. No HTTP, no SQL: it talks to the storage interfaces in trackwell.store.base."""
