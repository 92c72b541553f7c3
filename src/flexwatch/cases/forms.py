"""Forms of the case pages: vocabulary choices in the reader's language.

The forms parse what a person typed; whether it makes a valid case is for
``cases.record`` to say, and ``apply_errors`` puts its answer beside the fields.
"""

import functools
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from pydantic import ValidationError as RecordInvalid

from flexwatch import vocab
from flexwatch.accounts.models import Organisation
from flexwatch.cases import screening
from flexwatch.web.forms import StyledForm

UNKNOWN = (("", _("Unknown")), ("true", _("Yes")), ("false", _("No")))
MESSAGES = {
    "dates_out_of_order": _("This date is before %(earlier_value)s, the earlier date."),
    "age_interval": _("The oldest possible age is below the youngest."),
    "age_conflict": _("Give either an exact age or an interval, not both."),
    "victims_only": _("Only a victim has identification decisions or assistance."),
    "duplicate_observation": _("This indicator is listed twice."),
    "control_character": _("Control characters are not allowed here."),
}


def language() -> str:
    return (translation.get_language() or "en").split("-")[0]


def _choices(name: str, blank: bool) -> list[tuple[str, str]]:
    listed = vocab.vocabulary(name).choices(language())
    return [("", "—"), *listed] if blank else listed


class CodeSelect(forms.Select):
    """A select of one vocabulary's codes whose options are rendered once.

    Django renders each option through a template; for the 250 countries of
    a filter that was a third of a list page's time (bench/case_list.py). The
    options are the same for every page in one language, so their markup is
    kept, and only the chosen option is marked on each page.
    """

    vocabulary = ""
    blank = False

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        built = self.build_attrs(self.attrs, attrs)
        options = _options(self.vocabulary, language(), self.blank)
        if value not in (None, ""):
            chosen = format_html('<option value="{}">', value)
            options = options.replace(chosen, chosen[:-1] + " selected>", 1)
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(built), mark_safe(options)
        )


@functools.cache
def _options(name: str, language: str, blank: bool) -> str:
    return format_html_join("", '<option value="{}">{}</option>', _choices(name, blank))


def code(name: str, label: Any, *, required: bool = True) -> forms.ChoiceField:
    """A choice of one code of vocabulary ``name``; the choices come in __init__."""
    field = forms.ChoiceField(label=label, required=required, widget=CodeSelect)
    field.vocabulary = name  # type: ignore[attr-defined]
    return field


def codes(name: str, label: Any) -> forms.MultipleChoiceField:
    field = forms.MultipleChoiceField(
        label=label, required=False, widget=forms.CheckboxSelectMultiple
    )
    field.vocabulary = name  # type: ignore[attr-defined]
    return field


def answer(label: Any) -> forms.TypedChoiceField:
    """Yes, no, or not known: a stored None is "not known", never "no"."""
    return forms.TypedChoiceField(
        label=label,
        required=False,
        choices=UNKNOWN,
        coerce=lambda value: value == "true",
        empty_value=None,
    )


def day(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class VocabularyForm(StyledForm, forms.Form):
    """Fills each vocabulary field's choices in the active language."""

    # Offer "—" in required choices too, so that an untouched row posts
    # nothing rather than the first code of the list.
    blank_choices = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            name = getattr(field, "vocabulary", None)
            if name is not None:
                optional = self.blank_choices or not field.required
                blank = isinstance(field, forms.ChoiceField) and optional
                multiple = isinstance(field, forms.MultipleChoiceField)
                field.choices = _choices(name, blank and not multiple)  # type: ignore[attr-defined]
                if isinstance(field.widget, CodeSelect):
                    field.widget.vocabulary = name
                    field.widget.blank = blank
        self.style_widgets()

    def record_values(self) -> dict[str, Any]:
        """The cleaned values under the names ``cases.record`` uses."""
        return dict(self.cleaned_data)


class CaseForm(VocabularyForm):
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=Organisation.objects.none()
    )
    country = code("exploitation_country", _("Country of exploitation"))
    region = forms.CharField(
        label=_("Region (NUTS code)"),
        required=False,
        max_length=8,
        help_text=_("For example FI1B1 or PL91."),
    )
    source_kind = code("source_kind", _("Kind of source"))
    source_reference = forms.CharField(
        label=_("Source's own reference"),
        required=False,
        max_length=200,
        help_text=_(
            "The file or case number in the source. It is stored only as a keyed "
            "pseudonym; leave it empty to keep the one stored."
        ),
    )
    exploitation_began = day(_("Exploitation began"))
    exploitation_ended = day(_("Exploitation ended"))
    identified_on = day(_("Identified"))
    registered_on = day(_("Registered"))
    sector = code("sector", _("Economic sector (NACE Rev. 2)"), required=False)
    occupation = code("occupation", _("Occupation (ISCO-08)"), required=False)
    exploitation_forms = codes("exploitation_form", _("Forms of exploitation"))
    recruitment_country = code("country", _("Country of recruitment"), required=False)
    recruitment_channel = code(
        "recruitment_channel", _("Recruitment channel"), required=False
    )
    recruitment_fees_paid = answer(_("Recruitment fees paid"))
    narrative = forms.CharField(
        label=_("Narrative"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Sensitive: only the owner's admins, analysts and caseworkers see it. "
            "Write no names."
        ),
    )
    legal_basis = code("legal_basis", _("Legal basis for processing"))
    retention_until = day(_("Keep until"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, owners: list[int], editing: bool, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["owner"].queryset = Organisation.objects.filter(pk__in=owners)  # type: ignore[attr-defined]
        if editing:
            del self.fields["owner"]
        if not self.data and not editing and len(owners) == 1:
            self.initial.setdefault("owner", owners[0])

    def record_values(self) -> dict[str, Any]:
        values = super().record_values()
        values.pop("owner", None)
        values.pop("version", None)
        values["source_reference"] = values["source_reference"] or None
        return values


PERSON_EXTRA = ("identifier", "age")


class PersonForm(VocabularyForm):
    role = code("person_role", _("Role in the case"))
    identifier = forms.CharField(
        label=_("Name or personal code"),
        required=False,
        max_length=200,
        help_text=_(
            "Turned into a keyed pseudonym when saved and then discarded: it is "
            "never stored. Leave it empty to keep the pseudonym stored."
        ),
    )
    sex = code("sex", _("Sex"))
    age = forms.IntegerField(
        label=_("Age at recruitment"), required=False, min_value=0, max_value=120
    )
    age_min = forms.IntegerField(
        label=_("Youngest possible age"), required=False, min_value=0, max_value=120
    )
    age_max = forms.IntegerField(
        label=_("Oldest possible age"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("When only an interval is known, such as 18 to 20."),
    )
    citizenship = code("citizenship", _("Citizenship"))
    residence_status = code("residence_status", _("Residence status"), required=False)
    trafficking_status = code(
        "trafficking_status", _("Trafficking status"), required=False
    )
    recruiter_relationship = code(
        "recruiter_relationship", _("Relationship to the recruiter"), required=False
    )
    means_of_control = codes("means_of_control", _("Means of control"))
    penalised = answer(_("Charged or penalised for acts they were compelled to commit"))
    currency = code("currency", _("Currency"))
    currency.initial = "EUR"
    compensation_claimed = forms.DecimalField(
        label=_("Compensation claimed"), required=False, min_value=0, decimal_places=2
    )
    compensation_awarded = forms.DecimalField(
        label=_("Compensation awarded"), required=False, min_value=0, decimal_places=2
    )
    wages_recovered = forms.DecimalField(
        label=_("Wages recovered"), required=False, min_value=0, decimal_places=2
    )

    def record_values(self) -> dict[str, Any]:
        values = super().record_values()
        values["identifier"] = values["identifier"] or None
        if values["age"] is None:
            values.pop("age")
        else:
            values["age_min"] = values["age_max"] = None
        return values


class PartForm(VocabularyForm):
    """One row of a formset of a person's parts; ``id`` keeps a stored row."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    blank_choices = True

    def record_values(self) -> dict[str, Any]:
        values = super().record_values()
        values.pop("DELETE", None)
        return values


class DecisionForm(PartForm):
    decision = code("identification_decision", _("Decision"))
    decided_on = day(_("Date"))
    authority = code("authority_kind", _("Authority"), required=False)


class LegalEventForm(PartForm):
    provision = forms.CharField(label=_("Provision"), max_length=100)
    stage = code("legal_stage", _("Stage"))
    occurred_on = day(_("Date"))
    outcome = code("legal_outcome", _("Outcome"))
    sentence_months = forms.IntegerField(
        label=_("Sentence (months)"), required=False, min_value=0, max_value=1200
    )
    sentence_suspended = forms.BooleanField(label=_("Suspended"), required=False)


class AssistanceForm(PartForm):
    measure = code("assistance_measure", _("Measure"))
    started_on = day(pgettext_lazy("start date", "From"))
    ended_on = day(pgettext_lazy("end date", "Until"))
    provider = code("authority_kind", _("Provided by"), required=False)


def formset(form: type[PartForm]) -> type[forms.BaseFormSet]:
    return forms.formset_factory(form, extra=1, can_delete=True, max_num=200)


DecisionFormSet = formset(DecisionForm)
LegalEventFormSet = formset(LegalEventForm)
AssistanceFormSet = formset(AssistanceForm)


class CaseFilterForm(VocabularyForm):
    continuum = forms.ChoiceField(label=_("Continuum level"), required=False)
    country = code("exploitation_country", _("Country"), required=False)
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=1950, max_value=2100
    )
    sector = code("sector", _("Sector"), required=False)
    form = code("exploitation_form", _("Form of exploitation"), required=False)
    source_kind = code("source_kind", _("Kind of source"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["continuum"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *screening.levels(language()),
        ]


def apply_errors(form: forms.Form, error: RecordInvalid, prefix: tuple = ()) -> None:
    """Put the record's complaints beside the fields they concern.

    Args:
        prefix: the path of the form's part in the record (for a person's
            form, nothing; for its third decision, ``("decisions", 2)``).
    """
    for problem in error.errors():
        location = tuple(problem["loc"])
        if location[: len(prefix)] != prefix:
            continue
        rest = location[len(prefix) :]
        if len(rest) > 1 and rest[0] not in form.fields:
            continue  # a nested part's problem: its own form shows it
        name = str(rest[0]) if rest else None
        template = MESSAGES.get(problem["type"])
        message = template % problem.get("ctx", {}) if template else problem["msg"]
        form.add_error(name if name in form.fields else None, str(message))
