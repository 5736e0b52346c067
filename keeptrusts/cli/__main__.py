import sys

from keeptrusts.cli.main import main

sys.exit(main())
