"""Properties that hold for every case: more evidence never weakens a result,
the order of observations never matters, and ask-next means what it says."""

from hypothesis import given
from hypothesis import strategies as st

from flexwatch.assessment import batch, engine

SCREEN = engine.default()
IDS = sorted(SCREEN.ids)
FRAMEWORKS = SCREEN.framework_ids

observations = st.lists(st.sampled_from(IDS), max_size=14, unique=True)
ages = st.one_of(st.none(), st.integers(min_value=0, max_value=120))


def results(observed, age, not_observed=()):
    seen = SCREEN.observations(observed, not_observed)
    return SCREEN.assess(seen, age).assessments


@given(observations, st.sampled_from(IDS), ages)
def test_observing_one_more_indicator_never_weakens_a_result(observed, extra, age):
    before = results(observed, age)
    after = results([*observed, extra] if extra not in observed else observed, age)

    for old, new in zip(before, after, strict=True):
        for name in FRAMEWORKS:
            was, now = old.scores[name], new.scores[name]
            assert all(now.dimensions[d] for d, ok in was.dimensions.items() if ok)
            assert now.verdict or not was.verdict
        levels = [level.id for level in SCREEN.continuum.levels]
        assert levels.index(new.continuum.level.id) >= levels.index(
            old.continuum.level.id
        )


@given(observations, ages, st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_observations(observed, age, random):
    shuffled = list(observed)
    random.shuffle(shuffled)
    settings = batch.Settings(frameworks=FRAMEWORKS, trace=True)
    lines = [
        f'{{"id": "c", "age": {"null" if age is None else age}, '
        f'"observed": {list(order)!r}}}'.replace("'", '"')
        for order in (observed, shuffled)
    ]

    first, second = (
        list(batch.assess_lines([line], "jsonl", settings)) for line in lines
    )

    assert first == second


@given(
    observations, st.integers(min_value=0, max_value=120), st.sampled_from(FRAMEWORKS)
)
def test_ask_next_lists_exactly_the_unknown_ids_that_would_change_the_result(
    observed, age, name
):
    (now,) = results(observed, age)
    score = now.scores[name]
    own = [i.id for i in score.framework.indicators]
    unknown = [i for i in own if i not in SCREEN.crosswalk.expand(observed)]

    for candidate in unknown:
        (then,) = results([*observed, candidate], age)
        changed = then.scores[name][2:4] != score[2:4]  # results and verdict
        if score.verdict is None:
            changed = then.scores[name].present != score.present
        assert (candidate in score.ask_next) is changed, candidate
