"""Count each cycle's validations and record who took part in the round under way.

Validation follows the separation of duties from here on (``core.duties``): whoever
answered or submitted since the last validation may not validate. A cycle's validations
are counted from the audit log; for a cycle not validated now, everyone who answered or
submitted since its last validation, by the audit log, and everyone whose answer it
holds, becomes a contributor of the version the next validation decides on. Once, like
the other apps' migrations that introduced the rule.
"""

from django.db import migrations, models

KIND_OF_ACTION = {"answer": "answered", "submit": "submitted"}


def forwards(apps, schema_editor):
    Cycle = apps.get_model("assessment", "AssessmentCycle")
    Response = apps.get_model("assessment", "Response")
    AuditEvent = apps.get_model("core", "AuditEvent")
    Contribution = apps.get_model("core", "Contribution")
    rows = []
    for cycle in Cycle.objects.iterator():
        events = list(
            AuditEvent.objects.filter(
                object_type="assessment.assessmentcycle",
                object_id=str(cycle.pk),
                action__in=["validate", *KIND_OF_ACTION],
            )
            .order_by("pk")
            .values_list("action", "actor_id")
        )
        validated = [index for index, (action, _actor) in enumerate(events) if action == "validate"]
        validations = max(len(validated), 1 if cycle.status == "validated" else 0)
        Cycle.objects.filter(pk=cycle.pk).update(validations=validations)
        if cycle.status == "validated":
            continue
        since = events[validated[-1] + 1 :] if validated else events
        parts = {(actor, KIND_OF_ACTION[action]) for action, actor in since if action != "validate"}
        respondents = (
            Response.objects.filter(cycle_id=cycle.pk, respondent__isnull=False)
            .values_list("respondent_id", flat=True)
            .distinct()
        )
        parts |= {(respondent, "answered") for respondent in respondents}
        rows += [
            Contribution(
                organisation_id=cycle.organisation_id,
                subject_type="assessment.assessmentcycle",
                subject_id=str(cycle.pk),
                version=validations + 1,
                user_id=user,
                kind=kind,
            )
            for user, kind in parts
            if user is not None
        ]
    Contribution.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0003_framework_translations_in_place"),
        ("core", "0005_contribution"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessmentcycle",
            name="validations",
            field=models.PositiveIntegerField(
                default=0,
                help_text=(
                    "How many times the assessment was validated. The answers given since the "
                    "last validation are the version the next one decides on."
                ),
                verbose_name="validations",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
