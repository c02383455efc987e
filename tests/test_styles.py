"""Styles live in .tcss files next to the screens and widgets they dress, never inline in Python,
and every file a CSS_PATH names ships with the package."""

import ast
import importlib
import inspect
import pkgutil
import tomllib
from pathlib import Path

from textual.app import App
from textual.screen import Screen

import clerc_tui
from clerc_tui.widgets import CSS_PATHS as WIDGET_CSS

PACKAGE = Path(clerc_tui.__file__).resolve().parent
ROOT = PACKAGE.parent
INLINE = {"CSS", "DEFAULT_CSS"}


def _class_attributes(tree: ast.Module):
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                targets = statement.targets if isinstance(statement, ast.Assign) else []
                if isinstance(statement, ast.AnnAssign):
                    targets = [statement.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        yield node.name, target.id, statement.lineno


def test_no_inline_css_in_screens_or_widgets():
    found = []
    for folder in ("screens", "widgets"):
        for path in sorted((PACKAGE / folder).glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found += [
                f"{path.relative_to(ROOT)}:{line} {cls}.{name}"
                for cls, name, line in _class_attributes(tree)
                if name in INLINE
            ]
    assert not found, "styles go to a .tcss file next to the module (CSS_PATH): " + ", ".join(found)


def _clerc_classes(base: type) -> list[type]:
    for module in pkgutil.walk_packages([str(PACKAGE / "screens")], "clerc_tui.screens."):
        importlib.import_module(module.name)
    importlib.import_module("clerc_tui.app")
    seen, todo = [], [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("clerc_tui.") and sub not in seen:
                seen.append(sub)
    return seen


def _css_files(cls: type) -> list[Path]:
    """CSS_PATH resolved as Textual does: relative to the file of the class being shown."""
    paths = cls.CSS_PATH or []
    paths = [paths] if isinstance(paths, str | Path) else paths
    return [(Path(inspect.getfile(cls)).parent / path).resolve() for path in paths]


def _package_data() -> list[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return pyproject["tool"]["setuptools"]["package-data"]["clerc_tui"]


def test_every_css_path_file_exists_and_ships_with_the_package():
    classes = _clerc_classes(Screen) + _clerc_classes(App)
    files = {path: cls.__qualname__ for cls in classes for path in _css_files(cls)}
    assert any(name == "ClercApp" for name in files.values()) and len(files) >= 8, files
    shipped = {path.resolve() for pattern in _package_data() for path in PACKAGE.glob(pattern)}
    for path, owner in files.items():
        assert path.is_file(), f"{owner}.CSS_PATH names {path}, which does not exist"
        assert path in shipped, f"{path.relative_to(PACKAGE)} is not in pyproject's package-data"
    assert set(WIDGET_CSS) <= set(files), "ClercApp loads every widget's styles"


def test_every_tcss_file_is_loaded_by_someone():
    loaded = {path for cls in _clerc_classes(Screen) + _clerc_classes(App) for path in _css_files(cls)}
    assert set(PACKAGE.rglob("*.tcss")) == loaded
