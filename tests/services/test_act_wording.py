"""Act wording (issue 10 item 16): every act type of acts.toml rendered for a person and for a
company debtor, with titles of each kind, reads as French: articles and elision, agreement of the
participle with the title's noun, « dont le siège est » for a company, nothing unfilled, no
garbled sentence around the décompte. See docs/law/act-wording.md."""

import re
from datetime import date
from decimal import Decimal

import pytest

from clerc_tui.models import Etude
from clerc_tui.rules.acts import act_types
from clerc_tui.rules.french import format_amount
from clerc_tui.services import acts
from clerc_tui.services.dossier_input import CreditorInput, DebtorInput
from clerc_tui.services.dossiers import create_dossier
from tests.conftest import TODAY, make_input
from tests.services.test_acts import FIELDS as ACT_FIELDS
from tests.services.test_acts import fields_for, with_net_pay

FIELDS = {
    **ACT_FIELDS,  # the complements of the acts of issue 14 (inventory, employer, earlier acts' dates…)
    "tiers_saisi": "Banque Populaire Auvergne Rhône Alpes, 4 boulevard Eugène Deruelle, 69003 Lyon",
    "lease_date": "2024-01-01",
    "rent": "650.00",
    "rental_charges": "80.00",
    "fsl_address": "FSL du Rhône, 69003 Lyon",
    "findings": "Mobilier usagé sans valeur marchande.",
    "seizure_date": "2026-11-24",
}
PERSON = DebtorInput(
    kind="physique",
    civility="Madame",
    last_name="Lefèvre",
    first_name="Hélène",
    street="12 rue de la République",
    postcode="49100",
    city="Angers",
)
COMPANY = DebtorInput(
    kind="morale",
    company_name="Ardoises Occitanes",
    siren="732829320",
    street="3 place du Ralliement",
    postcode="49100",
    city="Angers",
)
CREDITOR = CreditorInput(
    kind="morale",
    is_individual=False,
    activity="bailleur",
    name="SCI Les Tilleuls",
    siren="443061841",
    street="5 avenue Foch",
    postcode="49000",
    city="Angers",
)
# (title kind, court or author as a clerc types it, what the act must say of the title)
TITLES = {
    "jugement": (
        "Tribunal judiciaire d'Angers",
        "du jugement rendu par le tribunal judiciaire d'Angers le 12 mars 2026 (RG 26/00123), "
        "revêtu de la formule exécutoire",
    ),
    "ordonnance_ip": (
        "Tribunal judiciaire d'Angers",
        "de l'ordonnance portant injonction de payer rendue par le tribunal judiciaire d'Angers "
        "le 12 mars 2026 (RG 26/00123), revêtue de la formule exécutoire",
    ),
    "arret": (
        "Cour d'appel d'Angers",
        "de l'arrêt rendu par la cour d'appel d'Angers le 12 mars 2026 (RG 26/00123), revêtu de la formule exécutoire",
    ),
    "acte_notarie": (
        "Maître Anne Roux, notaire à Angers",
        "de l'acte notarié reçu par Maître Anne Roux, notaire à Angers le 12 mars 2026 (RG 26/00123), "
        "revêtu de la formule exécutoire",
    ),
    "contrainte": (
        "Directeur de l'URSSAF des Pays de la Loire",
        "de la contrainte décernée par le directeur de l'URSSAF des Pays de la Loire le 12 mars 2026 (RG 26/00123),",
    ),
}
# What must never be printed when every datum is present.
BAD = [
    (r"\bde (?=[aeiouyàâéèêîïôû])", "« de » not elided before a vowel"),
    (r"rendu par [A-Z]", "court without its article"),
    (r"\b(?:le|du) [a-zé ]*?(?:ordonnance|contrainte)\b", "feminine title with a masculine article"),
    (
        r"\b(?:ordonnance|contrainte)[a-z ]*? (?:rendu|reçu|décerné|délivré|revêtu) ",
        "feminine title, masculine participle",
    ),
    (
        r"\b(?:jugement|arrêt|acte notarié) (?:rendue|reçue|décernée|délivrée|revêtue)",
        "masculine title, feminine participle",
    ),
    (r"\[À COMPLÉTER", "unfilled placeholder"),
    (r"\{\{|\}\}|\{%|%\}", "template syntax"),
    (r"\bNone\b", "None"),
    (r"\S  +\S", "double space"),
    (r" ,", "space before a comma"),
    (r"\b(?:le|la) (?:le|la|l')\b", "« le la »"),
    (r"\bde (?:le|les)\b", "« de le » / « de les »"),
    (r"\bà (?:le|les)\b", "« à le » / « à les »"),
    (r"demeurant ou ayant son siège", "person-or-company garble"),
    (r"\n\n\n", "two blank lines"),
    (r":\nDÉCOMPTE", "décompte glued to a sentence ending in « : »"),
    (r"[^.]\.\.(?!\.)", "double full stop"),
]


def _dossier(actor, debtor, kind):
    court, _ = TITLES[kind]
    return create_dossier(
        actor,
        make_input(
            debtor=debtor,
            new_creditor=CREDITOR,
            title_kind=kind,
            title_court=court,
            title_reference="RG 26/00123",
            title_date=date(2026, 3, 12),
            interest_kind="contractual",
            contractual_rate=Decimal("5"),
            interest_from=date(2026, 1, 15),
        ),
        TODAY,
    )


@pytest.fixture
def etude(actor):
    Etude.create(
        name="Étude Roux & Associés",
        commissaire_name="Maître Paul Roux",
        address="8 rue Lenepveu",
        postcode="49100",
        city="Angers",
    )
    return actor


def _bodies(actor, dossier_id):
    for act_type in act_types():
        fields = {**FIELDS, **fields_for(actor, dossier_id, act_type.id)}
        act = acts.draft_act(actor, dossier_id, act_type.id, today=TODAY, fields=fields)
        yield act_type.id, acts.act_view(act.id).draft.body


@pytest.mark.parametrize("kind", list(TITLES))
@pytest.mark.parametrize("party", ["person", "company"])
def test_every_act_reads_as_french_for_a_person_and_a_company(etude, party, kind):
    dossier = _dossier(etude, PERSON if party == "person" else COMPANY, kind)
    with_net_pay(etude, dossier.id, dependants=1)  # the PV de saisie des rémunérations prints its fraction
    for act_id, body in _bodies(etude, dossier.id):
        for pattern, why in BAD:
            found = re.search(pattern, body)
            assert found is None, (
                f"{act_id} ({party}, {kind}) : {why} : …{body[max(0, found.start() - 60) : found.end() + 60]}…"
            )
        if "EN VERTU" in body:  # the title is named with its article and its agreeing participle
            assert TITLES[kind][1] in " ".join(body.split()), (act_id, body)


def test_the_parties_are_described_as_a_person_or_a_company(etude):
    person = _dossier(etude, PERSON, "jugement")
    company = _dossier(etude, COMPANY, "jugement")
    person_body = acts.act_view(
        acts.draft_act(etude, person.id, "commandement_saisie_vente", today=TODAY).id
    ).draft.body
    company_body = acts.act_view(
        acts.draft_act(etude, company.id, "commandement_saisie_vente", today=TODAY).id
    ).draft.body
    assert (
        "AVONS FAIT COMMANDEMENT À :\nMadame Hélène LEFÈVRE, demeurant 12 rue de la République, 49100 Angers,\n"
        in person_body
    )
    assert (
        "AVONS FAIT COMMANDEMENT À :\nLa société Ardoises Occitanes, immatriculée sous le numéro SIREN "
        "732 829 320, dont le siège est 3 place du Ralliement, 49100 Angers, prise en la personne de son "
        "représentant légal,\n"
    ) in company_body
    # the requérant, a company named by its form (CPC 648 2°): no « demeurant ou ayant son siège »
    assert (
        "À LA REQUÊTE DE :\nLa SCI Les Tilleuls, immatriculée sous le numéro SIREN 443 061 841, dont le siège "
        "est 5 avenue Foch, 49000 Angers, agissant poursuites et diligences de son représentant légal,\n"
    ) in person_body
    carence = acts.act_view(acts.draft_act(etude, company.id, "pv_carence", today=TODAY, fields=FIELDS).id).draft.body
    assert (
        "NOUS SOMMES TRANSPORTÉ au siège de la société Ardoises Occitanes, 3 place du Ralliement, 49100 Angers, où"
        in carence
    )
    carence = acts.act_view(acts.draft_act(etude, person.id, "pv_carence", today=TODAY, fields=FIELDS).id).draft.body
    assert (
        "NOUS SOMMES TRANSPORTÉ au domicile de Madame Hélène LEFÈVRE, 12 rue de la République, 49100 Angers, où"
        in carence
    )


def test_the_injonction_names_the_greffe_and_leaves_the_decompte_outside_the_alternative(etude):
    dossier = _dossier(etude, PERSON, "ordonnance_ip")
    body = acts.act_view(acts.draft_act(etude, dossier.id, "signification_ordonnance_ip", today=TODAY).id).draft.body
    plain = body.replace("\x01", "").replace("\x02", "")
    assert "auprès du greffe du tribunal judiciaire d'Angers, par déclaration" in plain
    # both branches of the sommation (CPC 1413) are read together, the décompte comes after them
    assert (
        "- soit de payer au créancier le montant de la somme fixée par l'ordonnance, les intérêts et les frais de "
        "greffe, détaillés au décompte ci-dessous ;\n- soit, s'il a à faire valoir"
    ) in plain
    assert "l'ensemble du litige.\n\nDÉCOMPTE DES SOMMES DUES, arrêté au 26 novembre 2026\n" in plain


def test_a_frozen_act_keeps_its_wording_and_its_decompte(etude):
    """Verified, the act's text and décompte are frozen: a payment after it changes neither."""
    from clerc_tui.services import payments

    dossier = create_dossier(
        etude,
        make_input(
            debtor=PERSON,
            new_creditor=CREDITOR,
            title_kind="jugement",
            title_court="Tribunal judiciaire d'Angers",
            title_date=date(2026, 3, 12),
            title_reference="RG 26/00124",
            interest_kind="none",
        ),
        TODAY,
    )
    act = acts.draft_act(etude, dossier.id, "signification_jugement", today=TODAY)
    for state in acts.act_view(act.id).draft.states:
        if state.mention.manual:
            acts.tick(etude, act.id, state.mention.id)
    acts.verify(etude, act.id, today=TODAY)
    payments.record_payment(etude, dossier.id, on=TODAY, amount=Decimal("100"), mode="cheque", today=TODAY)
    body = acts.act_view(act.id).draft.body
    # 1 234,56 € of principal, no interest, no frais: the total stays 1 234,56 € in the frozen act
    assert (
        "Les sommes dues en vertu de cette décision s'établissent ainsi au jour du présent acte :\n\n"
        "DÉCOMPTE DES SOMMES DUES, arrêté au 26 novembre 2026\n"
    ) in body
    assert (
        f"  TOTAL .............................................. {format_amount(Decimal('1234.56'))}\n"
        "Taux des intérêts : néant (créance sans intérêts).\n" in body
    )
    assert (
        "du jugement rendu par le tribunal judiciaire d'Angers le 12 mars 2026 (RG 26/00124), revêtu de la "
        "formule exécutoire, afin qu'il n'en ignore" in body
    )
