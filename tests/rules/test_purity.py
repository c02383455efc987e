"""rules/ reads no clock: `today` is always handed in, so that every rule can be tested at
any date. (Which layer may import which is checked by the import-linter contracts in
pyproject.toml, run by scripts/check; a clock read is no import, so it is checked here.)"""

from pathlib import Path

import clerc_tui.rules

RULES = Path(clerc_tui.rules.__file__).parent
CLOCK_READS = ("date.today(", "datetime.now(", "datetime.today(", "time.time(", "time.monotonic(")


def clock_reads(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {call}" for call in CLOCK_READS if call in text]
    return found


def test_rules_read_no_clock():
    assert clock_reads(RULES) == []


def test_the_check_sees_a_clock_read(tmp_path):
    (tmp_path / "oops.py").write_text("from datetime import date\nTODAY = date.today()\n", encoding="utf-8")
    assert clock_reads(tmp_path) == ["oops.py: date.today("]
