"""Where clerc keeps its files (XDG): database, user config, error log; the system config; the umask.

Which base a command opens is config.choose_database (--db, CLERC_DATABASE, the user's
config, the system config, then `default_database_path()` here)."""

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path, user_state_path

APP = "clerc"

# The étude's own settings, written by its administrator (docs/deployment.md). The path may be
# changed by CLERC_SYSTEM_CONFIG (tests, a second étude on one server): a config path, never an
# identity (who acts is the OS uid, services/context.py).
SYSTEM_CONFIG = Path("/etc/clerc/config.toml")
SYSTEM_CONFIG_VARIABLE = "CLERC_SYSTEM_CONFIG"

# Everything clerc creates (the base, SQLite's -wal and -shm, exports, the log, their folders)
# is readable and writable by its group and by no one else: on the étude's server the clercs
# share one group and one setgid folder (docs/deployment.md « Base partagée »). With the usual
# umask 022 a file is born 0644 and a colleague of the same group cannot write it; with 077,
# he cannot even read it. SQLite gives -wal and -shm the base's own mode whatever the umask
# (so the base itself must be 0660: `clerc init --shared` sees to it), the rest follows this.
UMASK = 0o007


def set_umask() -> None:
    """Set clerc's umask (UMASK): once, first thing, in the entry points (cli.main, app.run_app)."""
    os.umask(UMASK)


def default_database_path() -> Path:
    """The base when nothing names one: `clerc.db` under the XDG data path (never created here)."""
    return user_data_path(APP) / "clerc.db"


def system_config_file() -> Path:
    """The étude's config: /etc/clerc/config.toml, or the file CLERC_SYSTEM_CONFIG names."""
    return Path(os.environ.get(SYSTEM_CONFIG_VARIABLE) or SYSTEM_CONFIG)


def config_file() -> Path:
    """The user's own config (XDG): [keymap], [display], [database]."""
    return user_config_path(APP) / "config.toml"


def log_file() -> Path:
    """The error log; its folder is created when the log is opened (logs.py)."""
    return user_state_path(APP) / "clerc.log"


def exports_dir() -> Path:
    """Where décomptes and other documents are exported: `exports/` under the XDG data path."""
    return user_data_path(APP, ensure_exists=True) / "exports"
