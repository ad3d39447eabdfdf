"""Contrôle PJ: the desktop tool with which a gestionnaire checks pièces justificatives."""

from importlib.metadata import PackageNotFoundError, version

APP_NAME = "Contrôle PJ"
APP_ID = "ControlePJ"

try:
    __version__ = version("controle-pj")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"
