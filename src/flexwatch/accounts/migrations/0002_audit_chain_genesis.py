"""Start the audit chain: the head row every append locks and moves forward."""

from django.db import migrations

GENESIS = "0" * 64


def create_head(apps, schema_editor):
    apps.get_model("accounts", "AuditHead").objects.get_or_create(
        pk=1, defaults={"seq": 0, "hash": GENESIS}
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_organisations_people_grants_audit")]

    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
