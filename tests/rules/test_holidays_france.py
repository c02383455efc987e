"""The French public holidays come from the `holidays` library's France loaded alone
(rules/calendar._france): the same tables as through the library's package, without the
~250 other countries that package imports in every process computing a deadline (a process
checks it: tests/services/test_demo_worker.py)."""

import holidays

from clerc_tui.rules.calendar import _france


def test_france_loaded_alone_gives_the_librarys_tables_for_every_year_and_subdivision():
    france = _france()
    assert france.__name__ == "France" and france.__module__ == "holidays.countries.france"
    for year in range(1900, 2101):
        for subdiv in (None, "57", "6AE"):  # metropole; Moselle (what clerc asks); Alsace
            alone = dict(france(years=year, subdiv=subdiv, language="fr").items())
            assert alone == dict(holidays.France(years=year, subdiv=subdiv, language="fr").items()), (year, subdiv)
