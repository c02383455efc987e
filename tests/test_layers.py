"""The house rule: rules/ is pure law and money. It imports neither Textual nor Peewee,
nor anything of the layers above it, and reads no clock."""

import ast
import sys
from pathlib import Path

import clerc_tui

PACKAGE = Path(clerc_tui.__file__).parent
FORBIDDEN_IN_RULES = (
    "textual",
    "peewee",
    "playhouse",
    "sqlite3",
    "clerc_tui.models",
    "clerc_tui.services",
    "clerc_tui.screens",
    "clerc_tui.widgets",
    "clerc_tui.report",
    "clerc_tui.app",
)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(PACKAGE)} imports {name}")
    return found


def test_rules_import_neither_textual_nor_peewee():
    assert _violations("rules", FORBIDDEN_IN_RULES) == []


def test_rules_read_no_clock():
    offenders = []
    for path in sorted((PACKAGE / "rules").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "date.today(" in text or "datetime.now(" in text or "time.time(" in text:
            offenders.append(str(path.relative_to(PACKAGE)))
    assert offenders == []


def test_services_do_not_import_screens():
    assert _violations("services", ("textual", "clerc_tui.screens", "clerc_tui.widgets", "clerc_tui.app")) == []


def test_screens_and_widgets_reach_data_through_services_only():
    forbidden = ("peewee", "playhouse", "sqlite3", "clerc_tui.models")
    assert _violations("screens", forbidden) + _violations("widgets", forbidden) == []


def test_report_renders_what_services_return():
    assert (
        _violations(
            "report",
            ("peewee", "playhouse", "sqlite3", "textual", "clerc_tui.models", "clerc_tui.screens", "clerc_tui.widgets"),
        )
        == []
    )


def test_models_do_not_import_services_or_screens():
    assert _violations("models", ("textual", "clerc_tui.services", "clerc_tui.screens", "clerc_tui.widgets")) == []


def test_the_check_itself_catches_a_forbidden_import(tmp_path, monkeypatch):
    bad = tmp_path / "rules"
    bad.mkdir()
    (bad / "oops.py").write_text("from textual.app import App\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path)
    assert _violations("rules", FORBIDDEN_IN_RULES) == ["rules/oops.py imports textual.app"]
