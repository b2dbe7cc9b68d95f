"""Load the shipped framework guide-2022 v1, so a fresh instance can open a cycle at once.

The snapshot is taken from the file as it is when the migration runs; a published
version never changes afterwards (``load-framework`` refuses different content under the
same id and version).
"""

from django.db import migrations


def load(apps, schema_editor):
    from cityrights.assessment.framework import FRAMEWORKS_DIR, load_framework_file

    FrameworkVersion = apps.get_model("assessment", "FrameworkVersion")
    framework = load_framework_file(FRAMEWORKS_DIR / "guide-2022.v1.yaml")
    FrameworkVersion.objects.get_or_create(
        key=framework.id,
        version=framework.version,
        defaults={
            "title": str(framework.title)[:300],
            "content_hash": framework.content_hash,
            "data": dict(framework.data),
        },
    )


def unload(apps, schema_editor):
    FrameworkVersion = apps.get_model("assessment", "FrameworkVersion")
    FrameworkVersion.objects.filter(key="guide-2022", version=1, cycles__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
