"""Files written for the user to send or print (décomptes, acts): one stem, one file per
format, under exports/ (XDG data path) unless a folder is given."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Export:
    folder: Path
    files: tuple[Path, ...]
    incomplete: bool = False  # an act's draft exported with its « ne pas signifier » banner


def write_export(
    folder: Path | None, stem: str, contents: Iterable[tuple[str, str]], *, incomplete: bool = False
) -> Export:
    """Write each (suffix, text) as `stem + suffix` into `folder`, UTF-8."""
    from clerc_tui.paths import exports_dir

    folder = folder or exports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for suffix, content in contents:
        path = folder / (stem + suffix)
        path.write_text(content, encoding="utf-8")
        files.append(path)
    return Export(folder, tuple(files), incomplete)
