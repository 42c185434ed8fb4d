from django.db import migrations

from sqms.capa.defaults import DEFAULT_CAUSES


def seed(apps, schema_editor):
    Cause = apps.get_model("capa", "Cause")
    for code, category, name, name_en in DEFAULT_CAUSES:
        Cause.objects.get_or_create(
            code=code, defaults={"category": category, "name": name, "name_en": name_en}
        )


class Migration(migrations.Migration):
    dependencies = [("capa", "0001_capa")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
