"""Load the shipped screening, assessment and procurement templates (version 1).

A fresh instance can screen and assess at once. Snapshots are taken from the files as they
are when the migration runs; a loaded version never changes afterwards (loading different
content under the same id and version is refused).
"""

from django.db import migrations


def load(apps, schema_editor):
    from cityrights.impact import content

    TemplateVersion = apps.get_model("impact", "TemplateVersion")
    ChecklistVersion = apps.get_model("impact", "ProcurementChecklistVersion")
    for path in content.shipped_files():
        template, data = content.load_file(path)
        fields = {
            "title": str(template.title)[:300],
            "content_hash": template.content_hash,
            "data": data,
        }
        if template.kind == "procurement":
            ChecklistVersion.objects.get_or_create(
                key=template.id, version=template.version, defaults=fields
            )
        else:
            TemplateVersion.objects.get_or_create(
                key=template.id,
                version=template.version,
                defaults={**fields, "kind": template.kind},
            )


def unload(apps, schema_editor):
    TemplateVersion = apps.get_model("impact", "TemplateVersion")
    ChecklistVersion = apps.get_model("impact", "ProcurementChecklistVersion")
    TemplateVersion.objects.filter(
        version=1, assessments__isnull=True, screenings__isnull=True
    ).delete()
    ChecklistVersion.objects.filter(version=1, procurements__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("impact", "0002_register_entry")]

    operations = [migrations.RunPython(load, unload)]
