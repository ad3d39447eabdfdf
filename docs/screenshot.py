"""Refresh docs/main-window.png: the window on a fresh demo campaign, rendered offscreen.

python docs/screenshot.py [DATA_DIR]
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from desktop_app.app import creer_application
    from desktop_app.services.demo import installer_demo
    from desktop_app.services.espace import ouvrir_espace
    from desktop_app.views.main_window import MainWindow

    data = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "demo"
    espace = ouvrir_espace(data)
    with espace.db.read() as session:
        from desktop_app.services.requetes import campagnes

        if not campagnes(session):
            installer_demo(
                espace.db,
                espace.store,
                300,
                reference=dt.date(2026, 11, 22),
                worker=espace.inspection,
            )
    app = creer_application()
    window = MainWindow(espace)
    window.resize(1600, 900)
    window.show()
    window.recharger()
    # A dossier with a pièce refused (Non conforme) and others decided makes a telling picture.
    from desktop_app.models import Statut
    from desktop_app.services.requetes import STATUTS_COMPTES

    refusee = STATUTS_COMPTES.index(Statut.NON_CONFORME)
    rows = window.candidatures.rows()
    target = next((i for i, r in enumerate(rows) if r.compteurs[refusee] and r.compteurs[0]), 0)
    window.candidature_view.selectRow(target)
    # The viewer's pages come from the worker process: wait until the first one is painted.
    import time

    viewer = window.viewer
    fin = time.monotonic() + 20
    while time.monotonic() < fin and not (
        viewer.pages and viewer.service.cache.get(viewer.cle(0)) is not None
    ):
        app.processEvents()
        time.sleep(0.02)
    fin = time.monotonic() + 1  # the layout settles (fit to the final size), pages re-render
    while time.monotonic() < fin:
        app.processEvents()
        time.sleep(0.02)
    out = Path(__file__).with_name("main-window.png")
    window.grab().save(str(out))
    print(out)
    window.close()
    espace.close()


if __name__ == "__main__":
    main()
