"""Contrôle PJ: the desktop tool with which a gestionnaire checks pièces justificatives."""

from __future__ import annotations

from functools import cache

APP_NAME = "Contrôle PJ"
APP_ID = "ControlePJ"


@cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("controle-pj")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "0.0.0"


def __getattr__(nom: str) -> str:
    """``__version__``, read from the package's metadata when first asked for: importing
    ``importlib.metadata`` costs 25 ms of the window's first paint."""
    if nom == "__version__":
        return _version()
    raise AttributeError(f"module {__name__!r} has no attribute {nom!r}")
