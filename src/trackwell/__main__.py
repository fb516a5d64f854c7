"""``python -m trackwell``: the same as the ``trackwell`` command."""

from trackwell.cli.main import main

raise SystemExit(main())
