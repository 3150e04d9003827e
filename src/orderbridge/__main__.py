"""`python -m orderbridge` runs the command line."""

from orderbridge.cli import main

main()
