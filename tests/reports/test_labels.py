"""The labels of codes in a report's tables."""

from collections import defaultdict

from flexwatch.assessment import frameworks
from flexwatch.reports import labels


def _namesakes() -> list:
    framework = frameworks.catalogue().framework("ilo_ec_delphi_2009")
    by_label = defaultdict(list)
    for indicator in framework.indicators:
        by_label[indicator.label("en")].append(indicator)
    return [group for group in by_label.values() if len(group) > 1]


def test_indicators_of_the_same_words_are_told_apart_by_dimension():
    framework = frameworks.catalogue().framework("ilo_ec_delphi_2009")
    group = _namesakes()[0]
    names = {d.id: d.name("en").split(" (")[0] for d in framework.dimensions}

    shown = labels.labels("indicator", [i.id for i in group], "en", str)

    assert len(set(shown.values())) == len(group)
    for indicator in group:
        assert shown[indicator.id] == (
            f"{indicator.label('en')} ({names[indicator.dimension_id]})"
        )


def test_an_indicator_of_its_own_words_keeps_them():
    framework = frameworks.catalogue().framework("ilo_ec_delphi_2009")
    shared = {i.id for group in _namesakes() for i in group}
    alone = next(i for i in framework.indicators if i.id not in shared)

    assert labels.label("indicator", alone.id, "fi", str) == alone.label("fi")
