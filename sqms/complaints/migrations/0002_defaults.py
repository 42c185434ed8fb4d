from django.db import migrations

from sqms.complaints.defaults import DEFAULT_CATEGORIES, DEFAULT_POLICY


def seed(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    for position, (code, name, name_en) in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position}
        )
    if not SlaPolicy.objects.filter(is_default=True).exists():
        SlaPolicy.objects.create(**DEFAULT_POLICY)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
