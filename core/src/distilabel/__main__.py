"""``python -m distilabel`` runs the CLI."""

import sys

from distilabel.cli import main

sys.exit(main())
