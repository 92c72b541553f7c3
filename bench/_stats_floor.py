"""The standard tables written directly in DuckDB SQL: the floor of ``stats``.

Each query counts what one function of ``flexwatch.stats`` counts, with its
default dimensions, over the same rows: the polars frames, copied into
DuckDB's own tables before anything is timed. The rules the functions read
from the package's data files (who is a registered victim, the step each
stage reaches, the category of each provision, EU membership by year, the
continuum's levels, the indicators of the catalogue) become small reference
tables, made once before anything is timed, as a database would hold them.
``bench.stats`` times each query beside its function and checks that the two
give the same numbers.
"""

import datetime
from collections.abc import Callable

import duckdb
import polars as pl

from flexwatch import vocab
from flexwatch.assessment import frameworks
from flexwatch.stats.definitions import FUNNEL, offences, registered
from flexwatch.stats.proceedings import GAP_FROM, TREATMENTS

# Dimension columns as the tables show them: a code not recorded is unknown.
PLAIN = "coalesce(nullif({0}, ''), 'unknown')"
CONVICTED = FUNNEL.index("convicted")
STEPS = ", ".join(
    f"count(*) filter (where reached >= {n}) as {step}" for n, step in enumerate(FUNNEL)
)

REGISTERED_VICTIMS = f"""
with kept as (
    select
        person_id,
        year(registered_on)::integer as year,
        {PLAIN.format("sex")} as sex,
        case
            when age_min is null and age_max is null then 'unknown'
            when age_max < 18 then 'child'
            when age_min >= 18 then 'adult'
            else 'not_classifiable'
        end as age_category,
        case
            when citizenship is null or citizenship = '' then 'unknown'
            when citizenship in ('stateless', 'unknown') then citizenship
            when citizenship = country then 'reporting_country'
            when registered_on is null
                or country not in (select code from countries) then 'unknown'
            when exists (
                select 1 from eu
                where eu.country = citizenship and eu.year = year(registered_on)
            ) then 'other_eu'
            else 'non_eu'
        end as citizenship_group,
        case when len(forms) > 0 then forms else ['unknown'] end as forms,
        {PLAIN.format("sector")} as sector
    from victims
    where not coalesce(is_synthetic, false)
        and identification in (select status from registered)
)
select year, sex, age_category, citizenship_group, form, sector,
    count(distinct person_id) as victims
from (select *, unnest(forms) as form from kept)
group by all
"""

# A suspect's events with the step each reached and the offence category.
EVENTS = f"""
select p.*,
    case when outcome in (select outcome from convicted) then {CONVICTED}
        else coalesce(s.step, 0) end as reached,
    outcome in (select outcome from convicted_other) as convicted_of_other,
    coalesce(o.category, 'other') as offence
from proceedings p
    left join stages s on p.stage = s.stage
    left join offence_of o on p.provision = o.provision
where role = 'suspect'
"""

SUSPECTS = f"""
with per_person as (
    select year, {PLAIN.format("sex")} as sex, person_id,
        max(reached) as reached, bool_or(convicted_of_other) as other
    from ({EVENTS}) where not coalesce(is_synthetic, false)
    group by all
)
select year, sex,
    count(*) as suspected,
    count(*) filter (where reached >= {FUNNEL.index("charged")}) as prosecuted,
    count(*) filter (where reached = {CONVICTED}) as convicted,
    count(*) filter (where other) as convicted_of_other_offence
from per_person
group by all
"""

FUNNEL_SQL = f"""
with per_case as (
    select year, {PLAIN.format("country")} as country, case_id,
        max(reached) as reached
    from ({EVENTS}) where not coalesce(is_synthetic, false)
    group by all
)
select year, country,
    {STEPS}
from per_case
group by all
"""

GAP = f"""
with worst as (
    select case_id, max(r.rank) as rank
    from ({EVENTS}) e join ranks r on e.offence = r.treatment
    group by case_id
),
assisted as (
    select person_id, any_value(assisted) as assisted from assistance group by all
)
select {PLAIN.format("v.country")} as country, {PLAIN.format("v.sector")} as sector,
    {PLAIN.format("v.source_kind")} as source_kind, v.year,
    case
        when identification is null then 'no_decision'
        when identification in (select status from registered) then 'registered'
        else 'not_registered'
    end as identification,
    coalesce(r.treatment, 'none') as treatment,
    case
        when a.assisted is null then 'unknown'
        when a.assisted then 'recorded'
        else 'none_recorded'
    end as assistance,
    count(distinct v.person_id) as victims
from victims v
    left join worst w on v.case_id = w.case_id
    left join ranks r on w.rank = r.rank
    left join assisted a on v.person_id = a.person_id
where not coalesce(v.is_synthetic, false)
    and v.continuum in (select level from gap_levels)
group by all
"""

PREVALENCE = f"""
with kept as (
    select distinct case_id, {PLAIN.format("country")} as country,
        {PLAIN.format("sector")} as sector
    from cases
    where not coalesce(is_synthetic, false) and coalesce(observations_shared, false)
),
groups as (
    select country, sector, count(distinct case_id) as cases from kept group by all
),
statuses as (
    select o.case_id, o.indicator,
        bool_or(status = 'observed') as observed,
        not bool_or(status = 'observed') and bool_or(status = 'not_observed')
            as not_observed
    from observations o
    where o.case_id in (select case_id from kept)
        and o.indicator in (select indicator from indicators)
    group by all
),
tallies as (
    select k.country, k.sector, s.indicator,
        count(*) filter (where observed) as observed,
        count(*) filter (where not_observed) as not_observed
    from statuses s join kept k on s.case_id = k.case_id
    group by all
)
select g.country, g.sector, i.framework, i.indicator, g.cases,
    coalesce(t.observed, 0) as observed,
    coalesce(t.not_observed, 0) as not_observed,
    g.cases - coalesce(t.observed, 0) - coalesce(t.not_observed, 0) as unknown,
    coalesce(t.observed, 0) / g.cases as share_observed
from groups g cross join indicators i
    left join tallies t on g.country = t.country and g.sector = t.sector
        and i.indicator = t.indicator
"""

LEVELS = f"""
select year, {PLAIN.format("country")} as country,
    {PLAIN.format("continuum")} as continuum, count(distinct case_id) as cases
from cases
where not coalesce(is_synthetic, false)
group by all
"""

ASSISTED = f"""
with assisted as (
    select person_id, bool_or(coalesce(assisted, false)) as assisted
    from assistance group by all
)
select year(registered_on)::integer as year, {PLAIN.format("country")} as country,
    case
        when a.assisted is null then 'unknown'
        when a.assisted then 'recorded'
        else 'none_recorded'
    end as assistance,
    count(distinct v.person_id) as victims
from victims v left join assisted a on v.person_id = a.person_id
where not coalesce(is_synthetic, false)
    and identification in (select status from registered)
group by all
"""

QUERIES = {
    "registered_victims": REGISTERED_VICTIMS,
    "suspects_prosecuted_convicted": SUSPECTS,
    "proceedings_funnel": FUNNEL_SQL,
    "recognition_gap": GAP,
    "indicator_prevalence": PREVALENCE,
    "continuum_levels": LEVELS,
    "victims_assisted": ASSISTED,
}


def connect(frames: dict[str, pl.DataFrame]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the frames and the reference tables.

    The frames are copied into DuckDB's own tables first, so that the floor
    is DuckDB at its best, reading its own storage rather than the frames
    through Arrow.
    """
    connection = duckdb.connect()
    for name, frame in {**frames, **references(frames)}.items():
        connection.register("incoming", frame)
        connection.execute(f"create table {name} as select * from incoming")
        connection.unregister("incoming")
    return connection


def count(connection: duckdb.DuckDBPyConnection, table: str) -> pl.DataFrame:
    """The table's counts as DuckDB computes them."""
    return connection.sql(QUERIES[table]).pl()


def references(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The package's rules as small tables (made once, not timed)."""
    reading = offences()
    levels = tuple(level.id for level in frameworks.continuum().levels)
    ranks = {name: n for n, name in enumerate(reversed(TREATMENTS))}
    return {
        "registered": _column("status", sorted(registered().statuses)),
        "convicted": _column("outcome", sorted(reading.convicted)),
        "convicted_other": _column(
            "outcome", sorted(reading.convicted_of_other_offence)
        ),
        "stages": pl.DataFrame(
            {
                "stage": list(reading.stages),
                "step": [FUNNEL.index(step) for step in reading.stages.values()],
            }
        ),
        "offence_of": pl.DataFrame(
            {
                "provision": list(reading.categories),
                "category": list(reading.categories.values()),
            }
        ),
        "ranks": pl.DataFrame({"treatment": list(ranks), "rank": list(ranks.values())}),
        "gap_levels": _column("level", list(levels[levels.index(GAP_FROM) :])),
        "countries": _column("code", list(vocab.vocabulary("country").codes)),
        "eu": _eu(frames["victims"]),
        "indicators": pl.DataFrame(
            [
                (framework.id, indicator.id)
                for framework in frameworks.catalogue().frameworks
                for indicator in framework.indicators
            ],
            schema={"framework": pl.String, "indicator": pl.String},
            orient="row",
        ),
    }


def _column(name: str, values: list[str]) -> pl.DataFrame:
    return pl.DataFrame({name: values}, schema={name: pl.String})


def _eu(victims: pl.DataFrame) -> pl.DataFrame:
    """Each citizenship of the frame and each year it was of an EU country."""
    years = victims["registered_on"].dt.year().drop_nulls().unique().to_list()
    codes = vocab.vocabulary("country")
    citizenships = [
        c for c in victims["citizenship"].drop_nulls().unique().to_list() if c in codes
    ]
    member: Callable[[str, datetime.date], bool] = vocab.eu_member
    rows = [
        (code, year)
        for code in citizenships
        for year in years
        if member(code, datetime.date(year, 12, 31))
    ]
    return pl.DataFrame(
        rows, schema={"country": pl.String, "year": pl.Int32}, orient="row"
    )
