"""The campaign's size limit changed after import, in the Paramètres or by a package: the
concerned files are judged again, nothing else is touched."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from desktop_app.documents.inspection import message_taille
from desktop_app.models import Depot
from desktop_app.services.espace import Espace
from desktop_app.services.importer import importer_paquet
from desktop_app.services.reglages import changer_taille_max


def test_une_nouvelle_taille_maximale_juge_a_nouveau_les_fichiers_concernes(
    espace_demo: Espace,
) -> None:
    espace = espace_demo  # the demo package, imported
    with espace.db.read() as session:
        tailles = sorted(
            t for t in session.scalars(
                select(Depot.taille).where(Depot.recevable.is_(True), Depot.sha256.is_not(None))
            ) if t
        )  # fmt: skip
    campagne_id = 1
    limite = tailles[len(tailles) // 2]  # half the files are now too large
    trop_grands = sum(t > limite for t in tailles)
    r = changer_taille_max(espace.db, espace.store, campagne_id, limite, espace.inspection)
    assert r.devenus_non_recevables == trop_grands > 0 and r.devenus_recevables == 0
    with espace.db.read() as session:
        refuse = session.scalars(select(Depot).where(Depot.taille == tailles[-1])).first()
        assert refuse is not None and not refuse.recevable
        assert refuse.motif == message_taille(tailles[-1], limite)
    # Back to 5 Mo: the same files become recevable again, nothing else is touched.
    r = changer_taille_max(espace.db, espace.store, campagne_id, 5 * 1024 * 1024, espace.inspection)
    assert r.devenus_recevables == trop_grands and r.devenus_non_recevables == 0
    with espace.db.read() as session:
        recevables = session.scalars(select(Depot.recevable).where(Depot.taille == tailles[-1]))
        assert set(recevables) == {True}


def test_un_paquet_qui_change_la_taille_maximale_fait_juger_a_nouveau_les_fichiers(
    espace: Espace, paquet_demo: Path
) -> None:
    import json

    importer_paquet(espace.db, espace.store, paquet_demo, worker=espace.inspection)
    with espace.db.read() as session:
        tailles = sorted(t for t in session.scalars(select(Depot.taille)) if t)
    limite = tailles[len(tailles) // 2]
    campagne = paquet_demo / "campagne.json"
    donnees = json.loads(campagne.read_text(encoding="utf-8"))
    donnees["taille_max_octets"] = limite
    campagne.write_text(json.dumps(donnees, ensure_ascii=False), encoding="utf-8")
    rapport = importer_paquet(espace.db, espace.store, paquet_demo, worker=espace.inspection)
    dits = [str(m) for m in rapport.messages if "taille maximale" in str(m)]
    assert len(dits) == 1 and "devenu(s) non recevable(s)" in dits[0]
    with espace.db.read() as session:
        trop_grands = session.scalars(select(Depot).where(Depot.taille > limite)).all()
        assert trop_grands and not any(d.recevable for d in trop_grands)
        assert [d.motif for d in trop_grands if d.motif != message_taille(d.taille, limite)] == []
