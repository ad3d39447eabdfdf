"""The columns of the exchange format (EXCHANGE_FORMAT.md) and the spellings they may take.

Aliases are given in ``tabular.cle()`` form: lower case, no accents, no spaces or punctuation,
so 'N° candidat', 'No candidat' and 'n_candidat' all meet."""

from __future__ import annotations

_NUMEROS = {
    "n_candidat": [
        "ncandidat",
        "nocandidat",
        "numcandidat",
        "numerocandidat",
        "numerodecandidat",
        "ndecandidat",
        "candidat",
        "idcandidat",
    ],
    "n_inscription": [
        "ninscription",
        "noinscription",
        "numinscription",
        "numeroinscription",
        "numerodinscription",
        "ndinscription",
        "inscription",
        "inscriptionn",
    ],
}

CANDIDATURES: dict[str, list[str]] = {
    **_NUMEROS,
    "civilite": ["civilite", "sexe", "genre"],
    "nom_naissance": ["nomnaissance", "nomdenaissance", "nomdefamille", "nom", "nomfamille"],
    "nom_usage": ["nomusage", "nomdusage", "nommarital"],
    "prenoms": ["prenoms", "prenom"],
    "date_naissance": ["datenaissance", "datedenaissance", "nele", "nee", "neele", "ddn"],
    "commune_naissance": [
        "communenaissance",
        "communedenaissance",
        "lieunaissance",
        "lieudenaissance",
        "villenaissance",
        "villedenaissance",
    ],
    "departement_naissance": ["departementnaissance", "departementdenaissance", "depnaissance"],
    "pays_naissance": ["paysnaissance", "paysdenaissance"],
    "nationalite": ["nationalite"],
    "adresse": ["adresse", "adressepostale"],
    "email": ["email", "mail", "courriel", "mel", "adressemail", "adresseemail"],
    "telephone": ["telephone", "tel", "telephoneportable", "portable", "mobile"],
    "ine": ["ine", "identifiantnational", "identifiantnationalien"],
    "specialite": ["specialite", "libellespecialite"],
    "code_specialite": ["codespecialite"],
    "categorie": ["categorie", "categoriecandidat", "categorieducandidat"],
    "etablissement": ["etablissement", "nometablissement"],
    "uai": ["uai", "codeuai", "rne", "uaietablissement"],
    "forme_passage": ["formepassage", "formedepassage"],
    "handicap": ["handicap", "amenagement", "amenagementhandicap"],
    "vae": ["vae"],
    "eps": ["eps", "aptitudeeps"],
    "acquis": ["acquis", "declarationdesacquis"],
    "version": ["version", "versioninscription"],
    "etat": ["etat", "etatinscription", "etatcandidature"],
}
CANDIDATURES_REQUISES = [
    "n_candidat",
    "n_inscription",
    "nom_naissance",
    "prenoms",
    "date_naissance",
]

PIECES: dict[str, list[str]] = {
    **_NUMEROS,
    "code_piece": ["codepiece", "code", "piece", "codepj", "codejustificatif"],
    "fichier": ["fichier", "chemin", "fichierdepose", "file"],
    "date_depot": ["datedepot", "datededepot", "depose", "deposele"],
    "date_validation": ["datevalidation", "datedevalidation", "valide", "validele"],
    "statut": ["statut", "statutpiece"],
    "date_reception": ["datereception", "datedereception", "recule"],
    "commentaire": ["commentaire", "commentaires", "motif", "informationdugestionnaire"],
    # Present in a decisions export: who decided, and when.
    "gestionnaire": ["gestionnaire", "decidepar"],
    "horodatage": ["horodatage", "datedecision"],
}
PIECES_REQUISES = ["n_candidat", "n_inscription", "code_piece"]

# The columns of pieces.csv, in order, as the decisions export writes them.
PIECES_ORDRE = [
    "n_candidat",
    "n_inscription",
    "code_piece",
    "fichier",
    "date_depot",
    "date_validation",
    "statut",
    "date_reception",
    "commentaire",
]
CANDIDATURES_ORDRE = list(CANDIDATURES)
