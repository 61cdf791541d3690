"""``python -m betaxl``: the same as the ``betaxl`` command (``betaxl.cli:main``)."""

import sys

from .cli import main

sys.exit(main())
