"""``python -m smartkg``: the same command line as the ``smartkg`` script."""

from smartkg.cli import main

raise SystemExit(main())
