"""The embedded document viewer: pixels from the worker process, never a parser in the GUI."""
