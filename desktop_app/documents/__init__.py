"""Candidate files: the content-addressed store and their inspection. No Qt."""
