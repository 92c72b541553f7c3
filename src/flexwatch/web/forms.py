"""Give form widgets Bootstrap's classes, so templates stay plain."""

from django import forms


class StyledForm:
    """Mix into a form: each widget gets the Bootstrap class for its kind."""

    def style_widgets(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
