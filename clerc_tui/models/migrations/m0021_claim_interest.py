"""Version 21: the interest terms of each claim item (one regime per dossier was a legal error).

Until version 20 the décompte ran the dossier's single interest terms (`dossier.interest_kind`,
its rate, its start) on every claim item marked « porte intérêts »: an article 700 sum ran at
the loan's conventional rate from the loan's start. An indemnity awarded by a judgment bears
the legal rate from the judgment unless the judge decides otherwise (art. 1231-7 C. civ.), with
the five points of art. L313-3 CMF two months after it became enforceable (docs/law/interest.md §6).

`claim_item.interest_regime` replaces `bears_interest`:
- `dossier`: the dossier's terms (the contract's sums: the principal of a loan, per the title);
- `legal`: the legal rate of the creditor's category, majorated as the dossier's majoration rule
  says (title kind, date it became enforceable, points), capitalised as the dossier says;
- `none`: no interest.
`claim_item.interest_from`: the item's own start (NULL: the dossier's start for `dossier`, the
title's date for `legal`, as art. 1231-7 says).

Existing rows, without a manual step: an item that bore no interest gets `none` (dépens
included); an article 700 or clause pénale item that bore interest gets `legal`, from the
title's date, or without a title from the dossier's interest start (the mise en demeure, art.
1231-6 C. civ.) — what changes in those décomptes: that item's interest, from the dossier's
terms to the legal rate, majorated as the dossier's majoration rule says. Such an item of a
dossier with neither date (a dossier « sans intérêts » without a title: it accrued nothing)
keeps the dossier's terms, as do the principal and an « autre somme » that bore interest: their
décompte is unchanged.
"""

VERSION = 21
DESCRIPTION = "Intérêts propres à chaque somme due (article 700 au taux légal à compter du jugement)"

STATEMENTS = (
    """ALTER TABLE "claim_item" ADD COLUMN "interest_regime" VARCHAR(16) NOT NULL DEFAULT 'dossier'""",
    """ALTER TABLE "claim_item" ADD COLUMN "interest_from" DATE""",
    """UPDATE "claim_item" SET "interest_regime" = CASE
        WHEN "bears_interest" = 0 OR "kind" = 'depens' THEN 'none'
        WHEN "kind" IN ('article_700', 'clause_penale') AND EXISTS (
            SELECT 1 FROM "dossier" d WHERE d."id" = "claim_item"."dossier_id"
            AND (d."title_date" IS NOT NULL OR d."interest_from" IS NOT NULL)) THEN 'legal'
        ELSE 'dossier' END""",
    """ALTER TABLE "claim_item" DROP COLUMN "bears_interest\"""",
)


def up(db, dialect):
    for statement in STATEMENTS:
        db.execute_sql(statement)
