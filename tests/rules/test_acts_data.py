"""The act types as data: ten act types of issue 6, every mention sourced, the file checked on load."""

import pytest

from clerc_tui.rules import acts
from clerc_tui.rules.acts import ActDataError, load_catalogue

EXPECTED = {
    "commandement_saisie_vente",
    "saisie_attribution",
    "denonciation_saisie_attribution",
    "signification_ordonnance_ip",
    "signification_jugement",
    "commandement_saisie_remunerations",
    "commandement_clause_resolutoire",
    "commandement_quitter_lieux",
    "pv_carence",
    "invitation_petites_creances",
    "lettre_relance_amiable",
}


def test_the_acts_of_issue_6_are_all_there():
    assert {a.id for a in acts.act_types()} >= EXPECTED


def test_every_mention_has_article_and_sanction():
    for act in acts.act_types():
        assert act.mentions, act.id
        for mention in act.mentions:
            assert mention.article and mention.sanction, (act.id, mention.id)


def test_commandement_saisie_vente_is_served_as_the_saisie_vente_commandement_step():
    act = acts.act_type("commandement_saisie_vente")
    assert (act.procedure_id, act.step_id) == ("saisie_vente", "commandement")
    assert {"titre", "decompte", "taux", "huit_jours"} <= {m.id for m in act.mentions}


def test_missing_message_names_the_mention_and_where_to_fill_it():
    act = acts.act_type("commandement_saisie_vente")
    message = acts.missing_message("debtor_address", act.mention("destinataire"))
    assert message.startswith("Adresse du débiteur manquante — mention CPC 648 4° ; CPCE R221-1")
    assert "fiche dossier (e)" in message


@pytest.mark.parametrize(
    "text, error",
    [
        ("schema = 2", "schema"),
        (
            'schema = 1\n[[act]]\nid="x"\nlabel="X"\ntemplate="x"\n[[act.mention]]\nid="m"\nlabel="M"\n'
            'article="A"\nsanction="S"\nneeds=["nope"]',
            "donnée inconnue",
        ),
        (
            'schema = 1\n[[act]]\nid="x"\nlabel="X"\ntemplate="x"\n[[act.mention]]\nid="m"\nlabel="M"\n'
            'article="A"\nsanction="S"',
            "doit dire",
        ),
    ],
)
def test_a_broken_file_fails_at_once(text, error):
    with pytest.raises(ActDataError, match=error):
        load_catalogue(text)


def test_unknown_act_type_is_a_french_refusal():
    from clerc_tui.errors import InvalidInput

    with pytest.raises(InvalidInput, match="Type d'acte inconnu"):
        acts.act_type("nope")
