"""Version 7: the acts of a dossier (issue 6) and the clerc's ticks of their manual mentions.

`act`: one act drafted from a dossier, `act_type` from data/acts.toml, `state` draft →
verified → served. `act_date` is the date the act is drafted for (its printed délais are
computed from it); `fields` (JSON) what the act needs beyond the dossier (tiers saisi, rent…);
`body` the text frozen when the act is verified (a draft is regenerated each time it is read);
`total_cents` the décompte total printed in it (checked again before service). Who verified and
served it, when and how, is kept on the row; every change is also in the audit log. Nothing is
deleted: an act that will not go out is `cancelled` with a reason.

`act_mention`: a manual mention ticked (or unticked) by whom and when.
"""

VERSION = 7
DESCRIPTION = "Actes du dossier : rédaction, mentions obligatoires, vérification, signification"

TABLES = (
    """
CREATE TABLE "act" (
        {pk},
        "dossier_id" INTEGER NOT NULL,
        "act_type" VARCHAR(64) NOT NULL,
        "state" VARCHAR(16) NOT NULL,
        "act_date" DATE NOT NULL,
        "fields" TEXT NOT NULL,
        "body" TEXT NOT NULL,
        "total_cents" BIGINT,
        "created_by" VARCHAR(255) NOT NULL,
        "created_at" {ts} NOT NULL,
        "verified_by" VARCHAR(255),
        "verified_at" {ts},
        "served_on" DATE,
        "service_mode" VARCHAR(32),
        "served_by" VARCHAR(255),
        "cancelled_reason" TEXT NOT NULL,
        "version" INTEGER NOT NULL,
        FOREIGN KEY ("dossier_id") REFERENCES "dossier" ("id")
    )""",
    'CREATE INDEX "act_dossier_state" ON "act" ("dossier_id", "state", "id")',
    """
CREATE TABLE "act_mention" (
        {pk},
        "act_id" INTEGER NOT NULL,
        "mention_id" VARCHAR(64) NOT NULL,
        "ticked" {bool} NOT NULL,
        "ticked_by" VARCHAR(255) NOT NULL,
        "ticked_at" {ts} NOT NULL,
        FOREIGN KEY ("act_id") REFERENCES "act" ("id")
    )""",
    'CREATE UNIQUE INDEX "act_mention_act_mention" ON "act_mention" ("act_id", "mention_id")',
)


def up(db, dialect):
    for statement in TABLES:
        db.execute_sql(statement.format(**dialect))
