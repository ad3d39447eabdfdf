"""Guards against defects of the Qt binding itself that would hurt a long working day."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.gui

EMITS = textwrap.dedent(
    """
    import threading
    from PySide6.QtCore import QCoreApplication, QObject, Signal

    class Source(QObject):
        progress = Signal(int, int, str)

    app = QCoreApplication([])
    source = Source()
    received = []
    source.progress.connect(lambda done, total, label: received.append(done))
    for i in range(5000):
        source.progress.emit(i, 5000, "étape")
    def emit_from_a_thread():
        for i in range(5000):
            source.progress.emit(i, 5000, "x")

    worker = threading.Thread(target=emit_from_a_thread)
    worker.start()
    worker.join()
    app.processEvents()
    print(len(received))
    """
)


def test_thousands_of_signals_leave_the_interpreter_sound() -> None:
    # PySide6 6.12.0 aborted here at exit ("bool_dealloc: deallocating True or False"): a day of
    # progress bars and selections emits far more than this.
    result = subprocess.run(
        [sys.executable, "-c", EMITS],
        capture_output=True,
        text=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "10000"


TYPES = textwrap.dedent(
    """
    import enum
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication, QLabel
    from desktop_app.views.main_window import preparer_types_qt

    faits = []
    faire = enum.EnumType._create_
    def compter(cls, *args, **kwargs):
        faits.append(args[0])
        return faire(cls, *args, **kwargs)
    enum.EnumType._create_ = compter

    app = QApplication([])
    etiquette = QLabel()
    etiquette.show()
    app.processEvents()
    if PREPARER:
        preparer_types_qt()

    class Filtre(QObject):  # as the dossier's while it is read again after a decision
        def eventFilter(self, objet, event):
            return False

    filtre = Filtre()
    app.installEventFilter(filtre)
    avant = len(faits)
    etiquette.setText("<span style='color:#1b7a3a'>✔ Enregistré</span>")
    print(len(faits) - avant)
    """
)


@pytest.mark.parametrize("preparer", [False, True])
def test_pysides_types_are_made_once_the_window_settled_not_at_the_first_decision(
    preparer: bool,
) -> None:
    """An internal Qt object handed to Python (here, through an application-wide event
    filter) makes PySide make all its types, 50 ms: ``preparer_types_qt`` does it first. If
    a version of PySide no longer does, the case without it says so: drop the preparation."""
    result = subprocess.run(
        [sys.executable, "-c", f"PREPARER = {preparer}\n" + TYPES],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    faits = int(result.stdout.strip())
    assert faits < 20 if preparer else faits > 100
