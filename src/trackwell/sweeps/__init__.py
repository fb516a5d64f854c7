"""Sweeps, the SDK side (docs/sweeps.md): ``trackwell.sweep()`` creates a sweep on the server,
``trackwell.agent()`` runs its trials in this process, and ``init()`` inside a trial joins it.

Modules: ``client`` (every sweep route, plain dicts), ``create`` (``sweep``, ``controller``),
``agent`` (the in-process agent) with ``trial`` (one trial in the calling thread, stops) and
``failures`` (when an agent gives up), ``params`` (the trial's parameter file), ``join`` (what
``init()`` does in a trial; imported by every ``init()``, so cheap), and the command-line agent
(``cli_agent``, ``macros``). The public names are ``trackwell.sweep``, ``trackwell.agent`` and
``trackwell.controller`` (loaded on first use); this package's ``__init__`` exports nothing, since
``trackwell.sweeps.agent`` is the module.
"""
