"""The user's TOML config (XDG config path). Today it holds the `[keymap]` table:

    [keymap]
    "list.filter" = "f"          # binding id = key(s), comma-separated
    "dossier.edit" = "e,f2"
"""

from pathlib import Path

from clerc_tui.paths import config_file


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], str | None]:
    """The keymap, and a French warning if the file could not be read (the defaults then apply)."""
    path = path or config_file()
    if not path.exists():
        return {}, None
    import tomllib  # only when there is a file to read: most clercs have none

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, f"Configuration {path} illisible ({exc}) : raccourcis par défaut utilisés."
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        return {}, f"Configuration {path} : la table [keymap] doit associer un id à des touches (texte)."
    return {str(k): v for k, v in keymap.items()}, None
