"""Where profiles come from: the organisation's own, a file, or those shipped.

An organisation keeps its profiles in the database, one per source, edited
on the Imports page. The command line also takes a profile file, and the
project ships profiles for data sets every partner meets (CTDC, the
KoboToolbox form of the case template) in ``ingest/profiles/``.
"""

from importlib import resources
from pathlib import Path

from django.utils.translation import gettext as _

from flexwatch.accounts.models import Organisation
from flexwatch.ingest.models import ImportProfile
from flexwatch.ingest.profile import Profile, ProfileError, parse

SHIPPED = resources.files("flexwatch.ingest") / "profiles"


def shipped() -> dict[str, Profile]:
    """The profiles that come with the project, by name."""
    found = {}
    for entry in sorted(SHIPPED.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            profile = parse(entry.read_text(encoding="utf-8"), entry.name)
            found[profile.name] = profile
    return found


def find(owner: Organisation, name_or_path: str) -> Profile:
    """The profile named so: the owner's, else a shipped one, else a file.

    Raises:
        ProfileError: there is no such profile, or it is not valid.
    """
    stored = ImportProfile.objects.filter(owner=owner, name=name_or_path).first()
    if stored is not None:
        return parse(stored.text, f"{owner.name}: {stored.name}")
    available = shipped()
    if name_or_path in available:
        return available[name_or_path]
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return parse(path.read_text(encoding="utf-8"), path.name)
    names = sorted({*available, *_stored_names(owner)})
    raise ProfileError(
        _("No profile %(name)s: give a YAML file, or one of %(names)s.")
        % {"name": name_or_path, "names": ", ".join(names)}
    )


def _stored_names(owner: Organisation) -> list[str]:
    return list(
        ImportProfile.objects.filter(owner=owner).values_list("name", flat=True)
    )
