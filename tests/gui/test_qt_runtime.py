"""Guards against defects of the Qt binding itself that would hurt a long working day."""

from __future__ import annotations

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
