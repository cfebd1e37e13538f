"""``python -m lifeline.cli``."""

from lifeline.cli.main import main

main()
