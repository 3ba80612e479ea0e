"""`python -m analysis COMMAND ...`: see the package `analysis.cli` (and `python -m analysis --help`)."""
import sys

from analysis.cli import main

if __name__ == "__main__":
    sys.exit(main())
