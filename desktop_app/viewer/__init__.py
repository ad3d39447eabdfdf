"""Rendering worker process and DocumentViewer widget (see the viewer issue)."""
