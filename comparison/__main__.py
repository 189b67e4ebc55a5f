import sys

from comparison.cli import main

sys.exit(main())
