"""Run the `cnncourse` command as `python -m cnncourse`."""

import sys

from cnncourse.cli import main

sys.exit(main())
