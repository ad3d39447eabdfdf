"""One way to make a window's action: text, shortcuts shown in its tooltip, stable name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence


def creer_action(
    parent: QObject,
    texte: str,
    raccourcis: Sequence[QKeySequence | QKeySequence.StandardKey | str],
    slot: Callable[[], Any],
    nom: str,
    symbole: str = "",
) -> QAction:
    """An action reachable from the whole window (menus show its first shortcut)."""
    action = QAction(texte, parent)
    if symbole:  # what a toolbar shows; the tooltip and screen readers say the text
        action.setIconText(symbole)
    action.setObjectName(nom)
    sequences: list[QKeySequence] = []
    for r in raccourcis:  # a platform's standard key may repeat one given: never twice (ambiguous)
        sequence = QKeySequence(r)
        if not sequence.isEmpty() and sequence not in sequences:
            sequences.append(sequence)
    action.setShortcuts(sequences)
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    sequence = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    libelle = texte.replace("&", "").rstrip("…")
    action.setToolTip(f"{libelle} ({sequence})" if sequence else libelle)
    action.triggered.connect(lambda *_: slot())
    return action
