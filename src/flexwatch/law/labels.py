"""Words the pages put on the law's codes, in the reader's language.

The codes themselves come from the pure modules; only their labels are
Django's, so they are translated with the rest of the pages.
"""

from django.utils.translation import gettext_lazy as _

from flexwatch.law import compare
from flexwatch.law.applicability import AGGRAVATING

GROUPS = {
    "act": _("Act"),
    "means": _("Means"),
    "purpose": _("Purpose"),
    AGGRAVATING: _("Aggravating circumstance"),
}
POPULATIONS = {
    "adult": _("adult victim"),
    "child": _("child victim"),
}
VERDICTS = {
    compare.COVERS: _("covers"),
    compare.LACKS: _("lacks"),
    compare.ADDS: _("adds"),
    compare.UNCERTAIN: _("uncertain date"),
    compare.NEITHER: "",
}
STATUSES = {
    "confirmed": _("checked against the source"),
    "partial": _("partly checked"),
    "recall": _("not checked"),
    "not_given": _("not given"),
}
