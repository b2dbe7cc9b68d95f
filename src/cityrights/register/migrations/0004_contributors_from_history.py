"""Record who took part in the entries waiting for publication, from before ``core.duties``.

For every draft and every entry in review (working copies included), the version to be
published gets as contributors: the author, the last editor and the submitter named on
the row, and everyone the audit log shows creating, changing or submitting it or changing
one of its places. So an entry already in review keeps its four-eyes check honest.
"""

from django.db import migrations

KIND_OF_ACTION = {"create": "created", "update": "edited", "submit": "submitted"}


def forwards(apps, schema_editor):
    Entry = apps.get_model("register", "Entry")
    Location = apps.get_model("register", "Location")
    AuditEvent = apps.get_model("core", "AuditEvent")
    Contribution = apps.get_model("core", "Contribution")
    rows = []
    for entry in Entry.objects.filter(state__in=["draft", "in_review"]).iterator():
        parts = {
            (entry.author_id, "created"),
            (entry.last_edited_by_id, "edited"),
            (entry.submitted_by_id, "submitted"),
        }
        events = AuditEvent.objects.filter(
            object_type="register.entry", object_id=str(entry.pk), action__in=KIND_OF_ACTION
        ).values_list("actor_id", "action")
        parts |= {(actor, KIND_OF_ACTION[action]) for actor, action in events}
        places = [
            str(pk) for pk in Location.objects.filter(entry=entry).values_list("pk", flat=True)
        ]
        if places:
            edits = AuditEvent.objects.filter(
                object_type="register.location", object_id__in=places
            ).values_list("actor_id", flat=True)
            parts |= {(actor, "edited") for actor in edits}
        rows += [
            Contribution(
                organisation_id=entry.organisation_id,
                subject_type="register.entry",
                subject_id=str(entry.pk),
                version=entry.version + 1,
                user_id=user,
                kind=kind,
            )
            for user, kind in parts
            if user is not None
        ]
    Contribution.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0003_publication_index"),
        ("core", "0005_contribution"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
