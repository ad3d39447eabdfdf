"""Use cases (import, export, queries, demo...). No Qt: the CLI and the GUI share them."""
