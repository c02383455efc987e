"""Where clerc keeps its files (XDG): database, user config, error log."""

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path, user_state_path

APP = "clerc"


def default_database() -> str:
    """`--db` wins over `CLERC_DATABASE`, which wins over the XDG data path. Nothing is
    created here: a missing base is refused, `clerc init` creates one."""
    env = os.environ.get("CLERC_DATABASE")
    if env:
        return env
    return str(user_data_path(APP) / "clerc.db")


def config_file() -> Path:
    return user_config_path(APP) / "config.toml"


def log_file() -> Path:
    """The error log; its folder is created when the log is opened (logs.py)."""
    return user_state_path(APP) / "clerc.log"


def exports_dir() -> Path:
    """Where décomptes and other documents are exported: `exports/` under the XDG data path."""
    return user_data_path(APP, ensure_exists=True) / "exports"
