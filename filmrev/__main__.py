"""Allow ``python -m filmrev``."""

from filmrev.cli import main

main()
