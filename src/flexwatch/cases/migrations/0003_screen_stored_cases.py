"""Screen the cases stored before the continuum column existed."""

from django.db import migrations


def screen(apps, schema_editor):
    from flexwatch.cases import screening

    Case = apps.get_model("cases", "Case")
    Observation = apps.get_model("cases", "Observation")
    Person = apps.get_model("cases", "Person")

    for case in Case.objects.iterator():
        observations = Observation.objects.filter(case=case).values(
            "indicator", "status"
        )
        persons = Person.objects.filter(case=case).values("role", "age_min", "age_max")
        case.continuum = screening.level(screening.seen(observations, persons))
        case.save(update_fields=["continuum"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_case_continuum")]

    operations = [migrations.RunPython(screen, migrations.RunPython.noop)]
