"""`python -m intake.cli`: the same as the `dossier` console script."""

import sys

from intake.cli import main

sys.exit(main())
