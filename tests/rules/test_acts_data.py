"""The act types as data: the act types of issues 6 and 14, every mention sourced, the file checked on load."""

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
    # issue 14 item 5
    "pv_saisie_vente",
    "pv_saisie_remunerations",
    "denonciation_saisie_remunerations",
    "pv_accord_saisie_remunerations",
    "certificat_non_contestation",
    "acte_intervention",
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


def test_every_new_act_is_wired_to_its_step_and_its_tariff_row():
    from clerc_tui.rules import procedures
    from clerc_tui.rules.tariff import shipped_tariff

    for act_id in EXPECTED - {
        "lettre_relance_amiable",
        "invitation_petites_creances",
        "commandement_saisie_remunerations",
    }:
        act = acts.act_type(act_id)
        procedures.procedure(act.procedure_id).step(act.step_id)
        assert act.tariff_code in shipped_tariff().acts, act_id
    inventory = acts.act_type("pv_saisie_vente").mention("inventaire")
    assert inventory.needs == ("inventory",) and inventory.article == "CPCE R221-16 2°"


def test_an_act_following_an_unknown_act_fails_at_once():
    text = (
        'schema = 1\n[data]\nd = { label = "D", where = "w" }\n[[act]]\nid="x"\nlabel="X"\ntemplate="x"\n'
        'follows = { field = "d", act = "nope", rule = "sr_pv_saisie_3_mois" }\n'
        '[[act.field]]\nid="d"\nlabel="D"\nkind="date"\n'
    )
    with pytest.raises(ActDataError, match="type d'acte inconnu"):
        load_catalogue(text)
    with pytest.raises(ActDataError, match="champ de date"):
        load_catalogue(text.replace('kind="date"', 'kind="text"'))


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
