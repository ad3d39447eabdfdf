"""What long work (import, export, demo) shares with whoever runs it: how progress is told,
and how it is cancelled. Kept apart so that the window can start without loading the importer."""

from __future__ import annotations

from collections.abc import Callable

from desktop_app.causes import Refus

Progression = Callable[[int, int, str], None]  # (done, total, French step)


class TacheAnnulee(Exception):
    """Raised by a progress callback to cancel; the transaction is rolled back."""


class ImportInterrompu(Refus):
    """An import could not be written (a full disk, a base that does not answer): nothing was
    imported, and the files it had put in the store are removed again. Said in French. (Here,
    beside the cancel, so that the window knows it without loading the importer.)"""
