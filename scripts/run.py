"""`make run`: the whole stack on the embedded default (see `kt up`)."""

import sys

from keeptrusts.cli.main import main

sys.exit(main(["up", *sys.argv[1:]]))
