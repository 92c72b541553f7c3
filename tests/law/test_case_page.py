"""The offences a case may meet, on its page: labelled decision support and
shown only to readers who may see its screening."""

from flexwatch.accounts import actions as account_actions
from tests import factories

FINLAND = [
    {"indicator": "act.recruitment", "status": "observed"},
    {"indicator": "means.deception", "status": "observed"},
    {"indicator": "purpose.forced_labour", "status": "observed"},
]


def _case(ws, observations=FINLAND, **values):
    return factories.case(ws.owner, observations=observations, **values)


def test_the_case_page_shows_the_offences_met_as_decision_support(ws, signed_in):
    case = _case(ws)
    client = signed_in(ws.user("viewer"))

    response = client.get(f"/cases/{case.pk}/")

    page = response.content.decode()
    first = response.context["legislation"]["matches"][0]
    assert "Offences the case may meet" in page
    assert "Decision support, not a legal finding" in page
    assert (first["id"], first["complete"]) == ("FI-RL-25-3", True)
    assert "Chapter 25, section 3: Trafficking in human beings" in page
    assert "every element shown" in page
    assert "Exploitation from 04/01/2022 to 02/15/2023" in page
    assert 'href="/law/FI-RL-25-3/"' in page


def test_a_case_missing_the_means_shows_them_missing(ws, signed_in):
    case = _case(ws, observations=[FINLAND[0], FINLAND[2]])
    client = signed_in(ws.user("viewer"))

    response = client.get(f"/cases/{case.pk}/")

    first = response.context["legislation"]["matches"][0]
    assert [part["group"] for part in first["missing"]] == ["means"]
    assert "missing; the screening would show it as" in response.content.decode()


def test_the_page_names_the_elements_in_the_reader_language(ws, signed_in):
    case = _case(ws)
    client = signed_in(ws.user("viewer"))

    page = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="fi")

    assert "Erehdyttäminen" in page.content.decode()


def test_a_case_in_estonia_in_2010_meets_the_enslaving_offence_only(ws, signed_in):
    observed = ["fl.violence", "inv.cannot_leave", "purpose.forced_labour"]
    case = _case(
        ws,
        country="EE",
        region="EE001",
        exploitation_began="2010-03-01",
        exploitation_ended="2010-09-01",
        identified_on="2010-10-01",
        registered_on="2010-10-02",
        observations=[{"indicator": i, "status": "observed"} for i in observed],
    )
    client = signed_in(ws.user("viewer"))

    found = client.get(f"/cases/{case.pk}/").context["legislation"]["matches"]

    assert [m["id"] for m in found] == ["EE-KarS-133-old"]


def test_a_grant_without_observations_shows_no_offences(ws, signed_in):
    case = _case(ws)
    account_actions.grant(
        factories.actor(ws.user("admin")),
        ws.owner,
        ws.rapporteur,
        "cases.case",
        ["country", "continuum"],
    )
    client = signed_in(ws.rapporteur_analyst)

    response = client.get(f"/cases/{case.pk}/")

    assert response.context["legislation"] is None
    assert "Chapter 25, section 3" not in response.content.decode()
