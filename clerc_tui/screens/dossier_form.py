"""Create or edit a dossier. Ctrl+S (or F2) saves, Échap cancels (asking first
when something was typed: screens/form.py).

Refused fields show their French message in place and keep what was typed; an edit
that lost a race with another clerc is refused with the conflict explained, nothing
overwritten and the typing still on screen.
"""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.suggester import Suggester
from textual.widgets import Checkbox, Input, Select, Static, TextArea

from clerc_tui.errors import ClercError
from clerc_tui.rules.interest import CIVIL_YEAR, DAY_BASIS_LABELS
from clerc_tui.rules.statement import DEFAULT_REGIMES
from clerc_tui.rules.vocabulary import (
    CIVILITIES,
    CLAIM_INTEREST_REGIMES,
    CLAIM_KINDS,
    INTEREST_KINDS,
    NATURES,
    PHASES,
    TITLE_KINDS,
    ZONES,
)
from clerc_tui.screens.form import FormScreen
from clerc_tui.services import dossiers
from clerc_tui.services.creditors import suggest_creditor
from clerc_tui.services.dossier_form import FormErrors, form_values, parse_dossier_form
from clerc_tui.services.users import list_users
from clerc_tui.widgets.choice import Choice
from clerc_tui.widgets.form_field import FieldInput, FormField
from clerc_tui.widgets.header import TitleBar
from clerc_tui.widgets.key_bar import KeyBar
from clerc_tui.widgets.scroll import Scrolled


class CreditorSuggester(Suggester):
    def __init__(self):
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return suggest_creditor(value)


def _input(placeholder: str = "", **kwargs) -> Input:
    return FieldInput(placeholder=placeholder, **kwargs)


def _select(options: dict[str, str] | list[tuple[str, str]], value: str) -> Select:
    pairs = list(options.items()) if isinstance(options, dict) else options
    return Choice([(label, key) for key, label in pairs], value=value, allow_blank=False)


class DossierFormScreen(FormScreen):
    HELP_TITLE = "Fiche dossier"
    BINDINGS = [
        Binding("ctrl+s,f2", "save", "Enregistrer", id="form.save"),
        Binding("escape", "cancel", "Annuler", id="form.cancel"),
    ]

    def __init__(self, dossier_id: int | None = None):
        super().__init__()
        self.dossier_id = dossier_id
        self.version: int | None = None

    def _fields(self) -> list[tuple[str, list[FormField]]]:
        users = [("", "— non attribué —")] + [(str(u.id), u.name) for u in list_users(active_only=True)]
        return [
            (
                "Créancier (mandant)",
                [
                    FormField(
                        "creditor",
                        "Créancier existant",
                        _input("nom ou raison sociale (→ pour compléter)", suggester=CreditorSuggester()),
                    ),
                    FormField("new_creditor_name", "ou Nouveau créancier", _input("raison sociale ou nom")),
                    FormField(
                        "new_creditor_kind", "Personne", _select({"morale": "morale", "physique": "physique"}, "morale")
                    ),
                    FormField(
                        "new_creditor_individual",
                        "Catégorie d'intérêt",
                        Checkbox("particulier (hors besoins professionnels)"),
                    ),
                    FormField("new_creditor_siret", "SIRET", _input("14 chiffres")),
                    FormField("new_creditor_iban", "IBAN (reversements)", _input("FR76 …")),
                ],
            ),
            (
                "Débiteur",
                [
                    FormField(
                        "debtor_kind", "Personne", _select({"physique": "physique", "morale": "morale"}, "physique")
                    ),
                    FormField("debtor_civility", "Civilité", _select([(c, c) for c in CIVILITIES], "Madame")),
                    FormField("debtor_last_name", "Nom", _input()),
                    FormField("debtor_first_name", "Prénom", _input()),
                    FormField("debtor_company", "Raison sociale", _input("si personne morale")),
                    FormField("debtor_birth_date", "Né(e) le", _input("jj/mm/aaaa")),
                    FormField("debtor_siren", "SIREN", _input("9 chiffres")),
                    FormField("debtor_employer", "Employeur", _input()),
                    FormField("debtor_street", "Adresse", _input("numéro et voie")),
                    FormField("debtor_postcode", "Code postal", _input("69002")),
                    FormField("debtor_city", "Ville", _input()),
                    FormField("debtor_phone", "Téléphone", _input("06 12 34 56 78")),
                    FormField("debtor_email", "E-mail", _input("prenom.nom@exemple.fr")),
                    FormField("debtor_iban", "IBAN connu", _input("FR76 …")),
                ],
            ),
            (
                "Dossier",
                [
                    FormField("nature", "Nature", _select(NATURES, "autre")),
                    FormField("phase", "Phase", _select(PHASES, "amiable")),
                    FormField("assigned_to", "Clerc", _select(users, str(self.app.actor.user_id))),
                    FormField("zone", "Zone (jours fériés)", _select(ZONES, "metropole")),
                ],
            ),
            (
                "Titre exécutoire",
                [
                    FormField("title_kind", "Nature du titre", _select(TITLE_KINDS, "")),
                    FormField("title_court", "Juridiction", _input("Tribunal judiciaire de …")),
                    FormField("title_reference", "N° RG / référence", _input()),
                    FormField("title_date", "Rendu le", _input("jj/mm/aaaa")),
                    FormField("title_signified_on", "Signifié le", _input("jj/mm/aaaa")),
                    FormField("title_enforceable_on", "Exécutoire le", _input("jj/mm/aaaa")),
                ],
            ),
            (
                "Créance",
                [
                    FormField("principal", "Principal", _input("1 234,56")),
                    FormField("depens", "Dépens", _input("0,00")),
                    FormField("article_700", CLAIM_KINDS["article_700"], _input("0,00")),
                    *self._claim_interest_fields("article_700"),
                    FormField("clause_penale", "Clause pénale", _input("0,00")),
                    *self._claim_interest_fields("clause_penale"),
                    FormField("interest_kind", "Intérêts", _select(INTEREST_KINDS, "legal")),
                    FormField("contractual_rate", "Taux conventionnel (%)", _input("4,5")),
                    FormField(
                        "contractual_day_basis", "Base de calcul (conventionnel)", _select(DAY_BASIS_LABELS, CIVIL_YEAR)
                    ),
                    FormField("interest_from", "Intérêts à compter du", _input("jj/mm/aaaa")),
                ],
            ),
        ]

    def _claim_interest_fields(self, kind: str) -> list[FormField]:
        """The interest of one claim item: its regime (default by kind) and its own start."""
        return [
            FormField(
                f"{kind}_interest",
                f"Intérêts ({CLAIM_KINDS[kind]})",
                _select(CLAIM_INTEREST_REGIMES, DEFAULT_REGIMES[kind]),
            ),
            FormField(f"{kind}_interest_from", "à compter du (vide : date du titre)", _input("jj/mm/aaaa")),
        ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="form-message")
        # Not a tab stop of its own: it scrolls to the focused field. (Focusable, it took the
        # focus on opening and gave it back, restyling its ~200 widgets twice: ~20 % of the
        # time to open the form.)
        with Scrolled(id="form-body", can_focus=False):
            for title, fields in self._fields():
                yield Static(Text(title, style="bold"), classes="form-section")
                with Grid(classes="form-grid"):
                    yield from fields
            yield Static(Text("Notes", style="bold"), classes="form-section")
            yield TextArea(id="notes")
        yield KeyBar()

    def on_mount(self) -> None:
        title = "Nouveau dossier" if self.dossier_id is None else "Modifier le dossier"
        self.query_one("#form-message", Static).update(
            Text(
                f"{title} — {self.app.key_for(self, 'form.save').replace(' / ', ' ou ')} pour enregistrer, "
                f"{self.app.key_for(self, 'form.cancel')} pour annuler, Tab pour passer au champ suivant.",
                style="dim",
            )
        )
        if self.dossier_id is not None:
            try:
                view = dossiers.get_dossier(self.dossier_id)
            except ClercError as error:
                self.app.show_error(error, "ouverture du dossier")
                self.dismiss(None)
                return
            self.version = view.dossier.version
            self.sub_title = view.dossier.reference
            for name, value in form_values(view).items():
                if name == "notes":
                    self.query_one("#notes", TextArea).text = value
                else:
                    self.field(name).set_value(value)
        self.query(FormField).first().control.focus()

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    def values(self) -> dict[str, str]:
        values = {f.field_name: f.value for f in self.query(FormField)}
        values["notes"] = self.query_one("#notes", TextArea).text
        return values

    def _show_errors(self, errors: dict[str, str]) -> None:
        for form_field in self.query(FormField):
            form_field.set_error(errors.get(form_field.field_name))

    def _say(self, message: str, style: str = "bold red") -> None:
        self.query_one("#form-message", Static).update(Text(message, style=style))

    def action_save(self) -> None:
        app = self.app
        try:
            data = parse_dossier_form(self.values(), app.today)
        except FormErrors as errors:
            self._show_errors(errors.errors)
            self._say(f"{errors.message} Les champs en rouge disent quoi faire ; rien n'a été enregistré.")
            first = next(f for f in self.query(FormField) if f.field_name in errors.errors)
            first.control.focus()
            first.scroll_visible()
            return
        self._show_errors({})
        try:
            if self.dossier_id is None:
                dossier = dossiers.create_dossier(app.actor, data, app.today)
            else:
                assert self.version is not None  # read on mount, or the screen was left
                dossier = dossiers.update_dossier(app.actor, self.dossier_id, self.version, data, app.today)
        except ClercError as error:
            field = getattr(error, "field", None)
            if field:
                self._show_errors({field: error.message})
            self._say(error.message)
            return
        except Exception as error:
            app.show_error(error, "enregistrement du dossier")
            self._say("L'enregistrement a échoué (voir le message) : votre saisie est conservée.")
            return
        app.notify(f"Dossier {dossier.reference} enregistré.")
        self.dismiss(dossier.id)

    def action_cancel(self) -> None:
        self.request_leave()
