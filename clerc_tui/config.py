"""The user's TOML config (XDG config path): the `[keymap]` and `[display]` tables.

[keymap]
"list.filter" = "f"          # binding id = key(s), comma-separated
"dossier.edit" = "e,f2"

[display]
animations = true            # Textual's animations (scrolls, tab underline); off by default
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from clerc_tui.paths import config_file

if TYPE_CHECKING:
    from textual.binding import Binding


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


def load_animations(path: Path | None = None) -> tuple[bool, str | None]:
    """`[display] animations` (off without it), and a French warning when the value is not
    true or false (then off). An unreadable file is load_keymap's to report."""
    path = path or config_file()
    if not path.exists():
        return False, None
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False, None
    display = data.get("display", {})
    value = display.get("animations", False) if isinstance(display, dict) else None
    if not isinstance(value, bool):
        return False, (
            f"Configuration {path} : [display] animations doit valoir true ou false : animations désactivées."
        )
    return value, None


MODIFIERS = frozenset({"ctrl", "shift", "alt", "super", "meta", "hyper"})


def _valid_key(key: str) -> bool:
    """A key Textual can deliver: a character or a key name, after optional modifiers."""
    from textual.keys import REPLACED_KEYS, Keys, key_to_character

    *modifiers, base = key.split("+")
    if not base or any(m not in MODIFIERS for m in modifiers):
        return False
    if len(base) == 1:
        return True
    # Textual names six characters its own way (« / » is slash, not solidus…): the key it
    # delivers, and its name for the default bindings, so valid here too.
    base = REPLACED_KEYS.get(base, base)
    return base in {k.value for k in Keys} or key_to_character(base) is not None


def check_keymap(keymap: Mapping[str, str], bindings: Mapping[str, list[Binding]]) -> tuple[dict[str, str], list[str]]:
    """The keymap with what cannot apply left out, and each problem said in French.

    `bindings`: for each place (screen title), its Binding objects. Reported: an id that no
    binding has, a key Textual cannot deliver, and one key given two actions in one place
    (the keymap's key then shadows the other action there)."""
    from textual.keys import _normalize_key_list

    known = {b.id for place in bindings.values() for b in place if b.id}
    clean: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            problems.append(f"identifiant inconnu « {binding_id} » (la touche ? montre les identifiants)")
            continue
        wanted = [k for k in _normalize_key_list(keys).split(",")]
        bad = [k for k in wanted if not _valid_key(k)]
        if bad:
            problems.append(f"touche invalide « {', '.join(bad)} » pour « {binding_id} » (touche par défaut gardée)")
            continue
        clean[binding_id] = ",".join(wanted)
    for place, place_bindings in bindings.items():
        actions_by_key: dict[str, set[str]] = {}
        moved: set[str] = set()  # keys the keymap gives to a binding that did not have them
        for binding in place_bindings:
            default = _normalize_key_list(binding.key).split(",")
            binding_keys = clean[binding.id].split(",") if binding.id in clean else default
            moved.update(k for k in binding_keys if k not in default)
            for key in binding_keys:
                actions_by_key.setdefault(key, set()).add(binding.id or binding.action)
        for key, ids in sorted(actions_by_key.items()):
            if len(ids) > 1 and key in moved:
                problems.append(
                    f"la touche « {key} » sert à deux actions ({', '.join(sorted(ids))}) sur l'écran « {place} »"
                )
    return clean, problems
