"""Screening a case against the indicator frameworks (pure: no Django, no I/O).

- ``frameworks``: the frameworks, the crosswalk, the continuum of exploitation
  and the trace's sentences, as checked data files.
- ``engine``: one case's assessment in every framework, and its place on the
  continuum, with what to ask next.
- ``explain``: the trace of a result, in English, Finnish, Estonian or Polish.
- ``batch``: many cases from JSON Lines or CSV, one JSON line per result.

Every result is decision support, not a legal finding.
"""
