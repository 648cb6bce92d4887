"""One module per command of the ``budget-site`` CLI."""
