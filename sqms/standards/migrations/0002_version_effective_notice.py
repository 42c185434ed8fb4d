from django.db import migrations, models
from django.utils import timezone


def mark_existing(apps, schema_editor):
    """Versions approved before this notice existed are not announced again on the next run."""
    Version = apps.get_model("standards", "StandardVersion")
    Version.objects.filter(status="approved").update(effective_notice_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0001_standards"),
    ]

    operations = [
        migrations.AddField(
            model_name="standardversion",
            name="effective_notice_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_existing, migrations.RunPython.noop),
    ]
