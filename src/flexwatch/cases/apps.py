from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "flexwatch.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # The vocabularies and frameworks are checked when the app starts, so
        # a bad data file stops it at once, naming the file, not at first use.
        from flexwatch import vocab
        from flexwatch.assessment import frameworks

        vocab.load_all()
        frameworks.catalogue()
