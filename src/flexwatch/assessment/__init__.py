"""Screening a case against the indicator frameworks (pure: no Django, no I/O).

- ``frameworks``: the frameworks as data, their loader and the crosswalk.
- ``engine``: the assessment of one set of observations, and the continuum.
- ``batch``: many cases from JSON Lines or CSV, one result line each.

Every result is decision support, not a legal finding.
"""
