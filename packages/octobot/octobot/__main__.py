"""`python -m octobot`: the same as the `octobot` command."""

import sys

from octobot.cli import main

if __name__ == "__main__":
    sys.exit(main())
