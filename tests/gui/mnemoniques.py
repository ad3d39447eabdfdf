"""The Alt+letter mnemonics a window offers at one time: its menu bar's titles, the labels
that lead to a field, the buttons and the tabs on screen."""

from __future__ import annotations

import re
from collections import Counter

from PySide6.QtWidgets import QAbstractButton, QLabel, QMainWindow, QTabBar, QWidget

_MNEMONIQUE = re.compile(r"(?<!&)&([^&\s])")


def mnemoniques(fenetre: QWidget) -> list[tuple[str, str]]:
    """(letter, text) of every mnemonic reachable now."""
    textes: list[str] = []
    if isinstance(fenetre, QMainWindow):
        textes += [a.text() for a in fenetre.menuBar().actions()]
    for label in fenetre.findChildren(QLabel):
        if label.buddy() is not None and label.isVisibleTo(fenetre):
            textes.append(label.text())
    for bouton in fenetre.findChildren(QAbstractButton):
        if bouton.isVisibleTo(fenetre):
            textes.append(bouton.text())
    for barre in fenetre.findChildren(QTabBar):
        if barre.isVisibleTo(fenetre):
            textes += [barre.tabText(i) for i in range(barre.count())]
    return [(m.group(1).lower(), t) for t in textes for m in _MNEMONIQUE.finditer(t)]


def doublons(fenetre: QWidget) -> dict[str, list[str]]:
    """The letters two things answer to, with those things."""
    liste = mnemoniques(fenetre)
    compte = Counter(lettre for lettre, _ in liste)
    return {c: [t for x, t in liste if x == c] for c, n in compte.items() if n > 1}
