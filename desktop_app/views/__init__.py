"""Qt windows, panels, dialogs and Qt item models (the "models" package is the database)."""
