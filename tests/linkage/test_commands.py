"""`flexwatch linkage join` and `flexwatch linkage projects`."""

import pytest
from typer.testing import CliRunner

from flexwatch.cli import app
from flexwatch.linkage import keys
from flexwatch.linkage.models import LinkageProject, ProjectMember
from tests import factories

SECRET = "7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e"
WRONG = "0000000000000000000000000000000000"


def linkage(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, ["linkage", *args], input=stdin)


def join(organisation: str, secret_file: str, stdin: str | None = None):
    return linkage(
        "join",
        "seasonal-2025",
        "--organisation",
        organisation,
        "--secret-file",
        secret_file,
        stdin=stdin,
    )


@pytest.fixture
def police(db):
    return factories.organisation("Police", "FI", "police")


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "seasonal.key"
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


def test_join_reads_the_secret_file_and_prints_the_fingerprint(police, key_file):
    result = linkage(
        "join",
        "seasonal-2025",
        "--organisation",
        "Police",
        "--secret-file",
        str(key_file),
        "--name",
        "Seasonal work 2025",
    )

    assert result.exit_code == 0, result.output
    assert keys.fingerprint(SECRET) in result.output
    assert SECRET not in result.output
    member = ProjectMember.objects.get(organisation=police)
    assert member.secret == SECRET
    assert member.project.name == "Seasonal work 2025"


def test_join_reads_the_secret_from_standard_input(police):
    result = join(str(police.pk), "-", stdin=SECRET + "\n")

    assert result.exit_code == 0, result.output
    assert ProjectMember.objects.get(organisation=police).secret == SECRET


def test_join_with_another_secret_is_refused(police, key_file):
    inspection = factories.organisation("Inspection", "FI", "labour_inspection")
    join("Police", str(key_file))

    result = join("Inspection", "-", stdin=WRONG)

    assert result.exit_code == 1
    assert "Not joined" in result.output and "not the one" in result.output
    assert WRONG not in result.output
    assert not ProjectMember.objects.filter(organisation=inspection).exists()


@pytest.mark.parametrize(
    ("organisation", "secret_file", "message"),
    [
        ("No Such Office", None, "No organisation"),
        ("Police", "missing.key", "Cannot read the secret file"),
    ],
)
def test_join_refuses_an_unknown_organisation_or_file(
    police, key_file, tmp_path, organisation, secret_file, message
):
    path = tmp_path / secret_file if secret_file else key_file

    result = join(organisation, str(path))

    assert result.exit_code == 2
    assert message in result.output
    assert not LinkageProject.objects.exists()


def test_projects_lists_fingerprints_and_members_without_the_secret(police, key_file):
    join("Police", str(key_file))

    result = linkage("projects")

    assert result.exit_code == 0, result.output
    assert "seasonal-2025" in result.output
    assert keys.fingerprint(SECRET) in result.output
    assert "Police" in result.output
    assert SECRET not in result.output


def test_projects_says_when_there_are_none(db):
    result = linkage("projects")

    assert result.exit_code == 0
    assert "No linkage projects yet" in result.output
