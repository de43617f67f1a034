"""`python -m adforge_cli ...` runs the same app as the `adforge` console script."""

from adforge_cli.main import main

main()
