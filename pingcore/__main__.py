"""``python -m pingcore``: the same as the ``pingcore`` command."""

import sys

from .cli import main

sys.exit(main())
