"""``python -m betaxl.cli``: the same as the ``betaxl`` command."""

import sys

from .program import main

sys.exit(main())
