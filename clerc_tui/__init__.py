"""clerc: the recovery desk of a commissaire de justice, in the terminal.

Peewee imports every database driver it finds when it is itself imported: with the PostgreSQL
extra installed (`pip install 'clerc-tui[postgres]'`), psycopg 3 alone costs ~120 ms of every
start-up, SQLite users' included. So peewee is imported here without its server drivers; the
PostgreSQL one is loaded when a postgresql:// URL is opened (`models.db.load_postgresql_driver`).
"""

import sys
from importlib.machinery import ModuleSpec, PathFinder
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.abc import Loader, MetaPathFinder
else:  # the import system asks only for their methods; importlib.abc costs ~3 % of clerc's start-up
    Loader = MetaPathFinder = object

# What peewee tries to import at its own import, and clerc never uses but through a URL.
SERVER_DRIVERS = ("psycopg", "psycopg2", "psycopg2cffi", "pymysql", "MySQLdb")


class _WithoutDrivers(Loader):
    """Runs peewee's module with its server drivers made unimportable (`sys.modules[name] = None`
    makes `import name` raise ImportError, which peewee catches), then lets them be imported again."""

    def __init__(self, loader: Loader) -> None:
        self._loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        hidden = [name for name in SERVER_DRIVERS if name not in sys.modules]
        for name in hidden:
            sys.modules[name] = None  # type: ignore[assignment]
        try:
            self._loader.exec_module(module)
        finally:
            for name in hidden:
                if sys.modules.get(name, ...) is None:
                    del sys.modules[name]


class _PeeweeFinder(MetaPathFinder):
    def find_spec(self, name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        if name != "peewee":
            return None
        sys.meta_path.remove(self)
        spec = PathFinder.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _WithoutDrivers(spec.loader)
        return spec


if "peewee" not in sys.modules:
    sys.meta_path.insert(0, _PeeweeFinder())
