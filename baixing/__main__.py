"""``python -m baixing``: the same as the ``baixing`` command."""

from baixing.main import main

raise SystemExit(main())
