"""Statistics: the first parts of the layer that counts and publishes.

- ``frames`` (Django): cases, victims, observations, legal events and
  assistance of the cases a user may see, as polars frames read in a fixed
  number of queries;
- ``definitions``: who counts as a registered victim (``registered.yaml``)
  and how legal events are read (``offences.yaml``);
- ``tables`` (pure): registered victims by year, sex, age, citizenship, form
  of exploitation and sector;
- ``proceedings`` (pure, with ``offences.yaml``): suspects prosecuted and
  convicted, the funnel of proceedings, and the recognition gap;
- ``indicators`` (pure): indicator prevalence, cases by level of the
  continuum, and registered victims by assistance;
- ``deliveries`` (``layouts.yaml``): the Eurostat and UNODC layouts of
  registered victims and of persons in proceedings for trafficking,
  flagged rather than suppressed, written as CSV and
  XLSX; ``actions`` (Django) makes a delivery for a person, rights checked
  and audited;
- ``population`` (reads files, no Django): population denominators and rates
  per 100,000 inhabitants;
- ``disclosure`` (pure): cell suppression and controlled rounding, so that no
  published table of counts points at a person;
- ``breaks`` (``series_breaks.yaml``, pure): where a change of the law splits
  a series; every table carries the breaks inside what it counted;
- ``published`` (pure): standard tables as frequency tables for disclosure
  control, and the canonical content and SHA-256 of a snapshot;
- ``snapshots`` and ``models`` (Django): a published table kept as a
  snapshot that later edits do not change, published by a person who may
  run statistics, audited, and read by the members of its organisation
  (pages in ``snapshot_views``).
- ``microdata`` (pure, with ``ladders`` and ``microdata.yaml``): victim
  microdata made k-anonymous and l-diverse by generalisation and local
  suppression; ``microdata_rows`` builds its rows from the frames and writes
  a release, and ``actions`` makes one for a person, rights checked and
  audited.
"""
