"""A case's screening: stored with the case, shown, filtered, live on the
checklist, and always said to be decision support."""

import pytest

from flexwatch.accounts import actions as account_actions
from flexwatch.cases import screening
from flexwatch.cases.models import Case
from tests import factories

# Deceived about the job (involuntary work) and coerced at the destination:
# forced labour by ICLS, and the Delphi coercion dimension.
COERCED = [
    {"indicator": "dr.nature_of_job", "stage": "recruitment", "status": "observed"},
    {"indicator": "cd.documents", "stage": "destination", "status": "observed"},
    {"indicator": "cd.violence", "stage": "destination", "status": "observed"},
    {"indicator": "cd.isolation", "stage": "destination", "status": "observed"},
]


def _victim(**ages):
    return {"role": "victim", "age_min": None, "age_max": None, **ages}


def test_no_observation_sits_at_decent_work():
    seen = screening.seen([], [_victim(age_min=30, age_max=30)])

    assert screening.level(seen) == "decent_work"


def test_a_case_is_screened_for_each_age_group_of_its_victims():
    persons = [_victim(age_min=30, age_max=30), _victim(age_min=15, age_max=15)]

    report = screening.report(screening.seen(COERCED, persons))

    assert [g["population"] for g in report["groups"]] == ["adult", "child"]
    assert all(g["age_known"] for g in report["groups"])


def test_an_unknown_age_gives_what_holds_for_an_adult_and_for_a_child():
    report = screening.report(screening.seen(COERCED, [_victim()]))

    assert [g["population"] for g in report["groups"]] == ["adult", "child"]
    assert not any(g["age_known"] for g in report["groups"])


def test_a_suspects_age_does_not_choose_the_rules():
    persons = [{"role": "suspect", "age_min": 15, "age_max": 15}]

    report = screening.report(screening.seen(COERCED, persons))

    assert [g["age_known"] for g in report["groups"]] == [False, False]


def test_not_observed_never_counts_and_observed_wins():
    observations = [
        {"indicator": "cd.documents", "status": "not_observed"},
        {"indicator": "cd.violence", "status": "unknown"},
    ]

    seen = screening.seen(observations, [])

    assert seen.observed == frozenset()
    assert seen.not_observed == {"cd.documents"}


def test_the_report_is_in_the_readers_language_and_says_it_is_no_finding():
    english = screening.report(screening.seen(COERCED, [_victim(age_min=30)]))
    finnish = screening.report(screening.seen(COERCED, [_victim(age_min=30)]), "fi")

    assert "legal finding" in english["notice"]
    assert finnish["notice"] != english["notice"]
    assert (
        finnish["groups"][0]["continuum"]["label"]
        != (english["groups"][0]["continuum"]["label"])
    )


def test_the_level_is_stored_on_save_and_follows_the_checklist(ws):
    case = factories.case(ws.owner, observations=[])
    assert Case.objects.get(pk=case.pk).continuum == "decent_work"

    coerced = factories.case(ws.owner, observations=COERCED)

    assert Case.objects.get(pk=coerced.pk).continuum != "decent_work"
    assert Case.objects.get(pk=coerced.pk).continuum == screening.level(
        screening.seen(COERCED, [_victim(age_min=34, age_max=34)])
    )


def test_the_case_page_shows_the_screening_with_its_notice(ws, signed_in):
    case = factories.case(ws.owner, observations=COERCED)
    client = signed_in(ws.user("viewer"))

    page = client.get(f"/cases/{case.pk}/").content.decode()

    level = Case.objects.get().continuum
    label = dict(screening.levels())[level]
    assert "Screening against the indicator frameworks" in page
    assert "not a legal finding" in page
    assert f'continuum-{level}">{label}<' in page
    assert "What to ask next" in page


def test_a_grant_without_observations_shows_no_screening(ws, signed_in):
    case = factories.case(ws.owner, observations=COERCED)
    account_actions.grant(
        factories.actor(ws.user("admin")),
        ws.owner,
        ws.rapporteur,
        "cases.case",
        ["country", "continuum"],
    )
    client = signed_in(ws.rapporteur_analyst)

    response = client.get(f"/cases/{case.pk}/")
    api = client.get(f"/api/cases/{case.pk}").json()

    assert response.context["screening"] is None
    assert api["screening"] is None and "screening" in api["masked"]
    assert api["continuum"] == Case.objects.get().continuum


def test_the_checklist_updates_the_screening_before_saving(ws, signed_in):
    case = factories.case(ws.owner, observations=[])
    client = signed_in(ws.user("caseworker"))
    ticked = {f"status-{o['indicator']}@{o['stage']}": "observed" for o in COERCED}

    preview = client.post(f"/cases/{case.pk}/screening/", ticked)

    assert preview.status_code == 200
    assert "not a legal finding" in preview.content.decode()
    level = screening.level(screening.seen(COERCED, [_victim(age_min=34)]))
    label = dict(screening.levels())[level]
    assert level != "decent_work"
    assert f'continuum-{level}">{label}<' in preview.content.decode()
    assert Case.objects.get().continuum == "decent_work"


@pytest.mark.parametrize("role", ["viewer", "partner"])
def test_the_live_screening_is_for_editors_only(ws, signed_in, role):
    case = factories.case(ws.owner, observations=[])

    response = signed_in(ws.user(role)).post(f"/cases/{case.pk}/screening/", {})

    assert response.status_code == 404


def test_lists_filter_by_the_continuum_level(ws, client, signed_in):
    factories.case(ws.owner, observations=[])
    coerced = factories.case(ws.owner, observations=COERCED)
    level = Case.objects.get(pk=coerced.pk).continuum
    page_client = signed_in(ws.user("analyst"))

    page = page_client.get("/cases/", {"continuum": level})
    _token, key = account_actions.create_token(factories.actor(ws.user("analyst")), "t")
    api = client.get(
        "/api/cases",
        {"continuum": level},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    ).json()
    refused = client.get(
        "/api/cases",
        {"continuum": "slavery_ish"},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )

    assert [c.pk for c in page.context["page"]] == [coerced.pk]
    assert [item["id"] for item in api["items"]] == [coerced.pk]
    assert api["items"][0]["continuum"] == level
    assert refused.status_code == 422 and "decent_work" in refused.content.decode()


def test_the_api_returns_the_screening_of_one_case(ws, client):
    case = factories.case(ws.owner, observations=COERCED)
    _token, key = account_actions.create_token(factories.actor(ws.user("viewer")), "t")

    body = client.get(
        f"/api/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {key}"
    ).json()

    assert body["screening"]["level"] == body["continuum"]
    assert "legal finding" in body["screening"]["notice"]
    frameworks = {f["id"] for f in body["screening"]["groups"][0]["frameworks"]}
    assert {"ilo_ec_delphi_2009", "icls_2018_forced_labour"} <= frameworks


def test_a_bad_status_in_the_live_screening_is_refused_by_name(ws, signed_in):
    case = factories.case(ws.owner, observations=[])
    client = signed_in(ws.user("caseworker"))

    response = client.post(
        f"/cases/{case.pk}/screening/", {"status-cd.documents@destination": "maybe"}
    )

    assert response.status_code == 422
    assert "'maybe'" in response.content.decode()
    assert Case.objects.get().version == 1
