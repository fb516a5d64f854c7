"""Domain logic behind the HTTP routes: runs, record batches, history reads, files, API keys.

No HTTP and no SQL here: services talk to the storage interfaces in ``trackwell.store.base``, so the
same rules hold for every backend and can be tested without a web server.
"""
