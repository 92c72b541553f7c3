from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LawConfig(AppConfig):
    name = "flexwatch.law"
    label = "law"
    verbose_name = _("Legislation")

    def ready(self) -> None:
        # The provisions, the comparison and the crosswalk are checked when
        # the app starts, so a bad data file stops it at once, naming the
        # file and line, not at first use.
        from flexwatch import law

        law.comparisons()
        law.crosswalk()
