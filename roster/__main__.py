"""`python -m roster` runs the `roster` console script."""

from roster.cli.main import app

app()
