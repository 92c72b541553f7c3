"""Numbers, shares, rates and dates written as the report's language writes them.

Pure: Babel's locale data only. Finnish, Estonian and Polish group thousands
with a space and use a decimal comma (``1 234,5``); English uses ``1,234.5``.
A value that disclosure control suppressed is shown as ``SUPPRESSED``, which
every table explains in its legend.
"""

from dataclasses import dataclass
from datetime import date

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

SUPPRESSED = "x"
# Babel's names of the report languages.
LOCALES = {"en": "en_GB", "fi": "fi_FI", "et": "et_EE", "pl": "pl_PL"}


@dataclass(frozen=True)
class Formatter:
    """Writes values for one language (``en``, ``fi``, ``et`` or ``pl``).

    Examples:
        >>> Formatter("en").number(1234.5, digits=1)
        '1,234.5'
    """

    language: str

    @property
    def locale(self) -> Locale:
        return Locale.parse(LOCALES[self.language])

    def count(self, value: int | None) -> str:
        """A count, or the mark of a suppressed one."""
        if value is None:
            return SUPPRESSED
        return format_decimal(value, locale=self.locale)

    def number(self, value: float | None, digits: int = 1) -> str:
        """A number with ``digits`` decimals, or an empty string for none."""
        if value is None:
            return ""
        pattern = "#,##0." + "0" * digits if digits else "#,##0"
        return format_decimal(value, format=pattern, locale=self.locale)

    def share(self, value: float | None) -> str:
        """A share (0.25) as a whole percentage in the language's style."""
        if value is None:
            return ""
        return format_percent(value, locale=self.locale)

    def date(self, value: date) -> str:
        """A date written out, as on a title page."""
        return format_date(value, format="long", locale=self.locale)

    def period(self, first: int, last: int) -> str:
        """A span of years, one year alone when they are the same."""
        return str(first) if first == last else f"{first}\u2013{last}"
