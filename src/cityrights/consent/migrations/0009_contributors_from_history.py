"""Record who wrote the agreement versions waiting for publication, from before ``core.duties``.

Every draft version gets as contributors the person named as its creator on the row and
everyone the audit log shows creating or changing it; version 1 also gets whoever created
the agreement with it (the agreement's title and legal basis are part of the notice). So
nobody publishes a draft they wrote, an administrator included.
"""

from django.db import migrations

KIND_OF_ACTION = {"create": "created", "update": "edited"}


def forwards(apps, schema_editor):
    AgreementVersion = apps.get_model("consent", "AgreementVersion")
    AuditEvent = apps.get_model("core", "AuditEvent")
    Contribution = apps.get_model("core", "Contribution")
    rows = []
    drafts = AgreementVersion.objects.filter(status="draft").select_related("agreement")
    for version in drafts.iterator():
        parts = {(version.created_by_id, "created")}
        events = AuditEvent.objects.filter(
            object_type="consent.agreementversion",
            object_id=str(version.pk),
            action__in=list(KIND_OF_ACTION),
        ).values_list("actor_id", "action")
        parts |= {(actor, KIND_OF_ACTION[action]) for actor, action in events}
        if version.number == 1:
            parts.add((version.agreement.created_by_id, "created"))
            creators = AuditEvent.objects.filter(
                object_type="consent.processingagreement",
                object_id=str(version.agreement_id),
                action="create",
            ).values_list("actor_id", flat=True)
            parts |= {(actor, "created") for actor in creators}
        rows += [
            Contribution(
                organisation_id=version.agreement.organisation_id,
                subject_type="consent.agreementversion",
                subject_id=str(version.pk),
                version=version.number,
                user_id=user,
                kind=kind,
            )
            for user, kind in parts
            if user is not None
        ]
    Contribution.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0008_checkpoint_chain"),
        ("core", "0005_contribution"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
