"""Version 25: bank statements imported (CAMT.053, CFONB 120) and their credit lines (issue 16 item 2).

`bank_statement`: one row per file imported, its SHA-256 unique (the same file twice is refused
as « déjà importé », nothing written); who imported it and when, the account, the period, the
balances (cents) and the warnings read.

`bank_line`: one row per credit of a statement, its `line_key` unique (rules/bank_formats.line_key:
the account and the bank's reference, or the movement's date, amount and texts): the same movement
in two overlapping statements is stored once, so it can never become two payments. Its decision:
`status` open → recorded (the ledger entry `entry_id`, the dossier) or set_aside (`reason`), with
who decided and when; each decision is also in the audit trail. `version` guards two clercs
deciding the same line at once (services/bank.py).
"""

from typing import Any

VERSION = 25
DESCRIPTION = "Relevés bancaires importés (CAMT.053, CFONB 120) et rapprochement des crédits"

STATEMENT = """CREATE TABLE "bank_statement" (
        {pk},
        "file_digest" VARCHAR(64) NOT NULL,
        "file_name" VARCHAR(255) NOT NULL,
        "format" VARCHAR(32) NOT NULL,
        "version" VARCHAR(32) NOT NULL,
        "account" VARCHAR(255) NOT NULL,
        "identifier" VARCHAR(255) NOT NULL,
        "first_day" DATE,
        "last_day" DATE,
        "opening" BIGINT,
        "closing" BIGINT,
        "credits" INTEGER NOT NULL,
        "already_known" INTEGER NOT NULL,
        "warnings" TEXT NOT NULL,
        "imported_by_id" INTEGER NOT NULL,
        "imported_at" {ts} NOT NULL,
        FOREIGN KEY ("imported_by_id") REFERENCES "user" ("id")
    )"""

LINE = """CREATE TABLE "bank_line" (
        {pk},
        "statement_id" INTEGER NOT NULL,
        "position" INTEGER NOT NULL,
        "place" VARCHAR(255) NOT NULL,
        "line_key" VARCHAR(1000) NOT NULL,
        "booked_on" DATE NOT NULL,
        "value_on" DATE,
        "amount" BIGINT NOT NULL,
        "label" TEXT NOT NULL,
        "debtor_name" VARCHAR(255) NOT NULL,
        "debtor_iban" VARCHAR(64) NOT NULL,
        "bank_reference" VARCHAR(255) NOT NULL,
        "end_to_end" VARCHAR(255) NOT NULL,
        "status" VARCHAR(16) NOT NULL,
        "dossier_id" INTEGER,
        "entry_id" INTEGER,
        "reason" TEXT NOT NULL,
        "decided_by_id" INTEGER,
        "decided_at" {ts},
        "version" INTEGER NOT NULL,
        FOREIGN KEY ("statement_id") REFERENCES "bank_statement" ("id"),
        FOREIGN KEY ("dossier_id") REFERENCES "dossier" ("id"),
        FOREIGN KEY ("entry_id") REFERENCES "ledger_entry" ("id"),
        FOREIGN KEY ("decided_by_id") REFERENCES "user" ("id")
    )"""

INDEXES = (
    'CREATE UNIQUE INDEX "bankstatement_file_digest" ON "bank_statement" ("file_digest")',
    'CREATE INDEX "bankstatement_imported_by_id" ON "bank_statement" ("imported_by_id")',
    'CREATE UNIQUE INDEX "bankline_line_key" ON "bank_line" ("line_key")',
    'CREATE INDEX "bankline_statement_id" ON "bank_line" ("statement_id")',
    'CREATE INDEX "bankline_status" ON "bank_line" ("status")',
    'CREATE INDEX "bankline_dossier_id" ON "bank_line" ("dossier_id")',
    'CREATE UNIQUE INDEX "bankline_entry_id" ON "bank_line" ("entry_id")',
    'CREATE INDEX "bankline_decided_by_id" ON "bank_line" ("decided_by_id")',
)


def statements(dialect: dict[str, str]) -> tuple[str, ...]:
    return (STATEMENT.format(**dialect), LINE.format(**dialect), *INDEXES)


def up(db: Any, dialect: dict[str, str]) -> None:
    for statement in statements(dialect):
        db.execute_sql(statement)
