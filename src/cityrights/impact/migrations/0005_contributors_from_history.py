"""Record who took part in each assessment's current version, from before ``core.duties``.

For every assessment, the version that is under way (not decided yet) or, for a decided
one, the version its latest decision closed (its public summary is approved against it)
gets as contributors:

* the project lead named on the row, and every person the audit log shows named as
  project lead before (the ids of an ``update`` of ``author``, from and to) as ``led``;
* everyone the audit log shows creating, reopening, changing the details of, answering
  or submitting the assessment during that version (between the previous decision and
  the next one);
* everyone who created or changed one of its risks or mitigations during that version,
  for risks and mitigations that still exist (a deleted risk's events no longer name
  its assessment);

and the public summary of a decided assessment gets its last writer and everyone the
audit log shows writing it since the decision before that one. So an assessment already submitted or
under review keeps an honest separation of duties, and so does a summary awaiting approval.
"""

from django.db import migrations

KIND_OF_ACTION = {
    "create": "created",
    "reopen": "created",
    "update": "edited",
    "answer": "answered",
    "submit": "submitted",
}


def _window(decided_at, version):
    """(start, end) of ``version``: after decision ``version - 1``, up to decision ``version``."""
    start = decided_at[version - 2] if version >= 2 else None
    end = decided_at[version - 1] if len(decided_at) >= version else None
    return start, end


def _content_change(action, changes):
    """An ``update`` that only set the reassessment date (a reviewer's act) is no part."""
    if action != "update":
        return True
    return bool(set(changes or {}) - {"reassessment_due"})


def _in(events, start, end):
    if start is not None:
        events = events.filter(at__gt=start)
    if end is not None:
        events = events.filter(at__lte=end)
    return events


def _ids(value):
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, str) and value.isdigit():
        return [int(value)]
    return []


def forwards(apps, schema_editor):
    Assessment = apps.get_model("impact", "ImpactAssessment")
    DecisionRecord = apps.get_model("impact", "DecisionRecord")
    RiskItem = apps.get_model("impact", "RiskItem")
    Mitigation = apps.get_model("impact", "Mitigation")
    PublicSummary = apps.get_model("impact", "PublicSummary")
    AuditEvent = apps.get_model("core", "AuditEvent")
    Contribution = apps.get_model("core", "Contribution")
    rows = []

    def add(organisation_id, subject_type, subject_id, version, user_id, kind):
        if user_id is not None:
            rows.append(
                Contribution(
                    organisation_id=organisation_id,
                    subject_type=subject_type,
                    subject_id=str(subject_id),
                    version=version,
                    user_id=user_id,
                    kind=kind,
                )
            )

    for assessment in Assessment.objects.iterator():
        decided_at = list(
            DecisionRecord.objects.filter(assessment_id=assessment.pk)
            .order_by("decided_at", "pk")
            .values_list("decided_at", flat=True)
        )
        version = len(decided_at) if assessment.status == "decided" else len(decided_at) + 1
        start, end = _window(decided_at, version)
        org = assessment.organisation_id

        def took_part(user_id, kind, org=org, pk=assessment.pk, version=version):
            add(org, "impact.impactassessment", pk, version, user_id, kind)

        took_part(assessment.author_id, "led")
        own = AuditEvent.objects.filter(
            object_type="impact.impactassessment", object_id=str(assessment.pk)
        )
        for event in own.filter(action="update"):  # every lead ever named, in any version
            change = (event.changes or {}).get("author")
            if isinstance(change, dict):
                for key in ("from", "to"):
                    for user_id in _ids(change.get(key)):
                        took_part(user_id, "led")
        events = _in(own, start, end).filter(action__in=list(KIND_OF_ACTION))
        for actor, action, changes in events.values_list("actor_id", "action", "changes"):
            if _content_change(action, changes):
                took_part(actor, KIND_OF_ACTION[action])
        risks = [
            str(pk)
            for pk in RiskItem.objects.filter(assessment_id=assessment.pk).values_list(
                "pk", flat=True
            )
        ]
        mitigations = [
            str(pk)
            for pk in Mitigation.objects.filter(risk__assessment_id=assessment.pk).values_list(
                "pk", flat=True
            )
        ]
        for object_type, ids in (("impact.riskitem", risks), ("impact.mitigation", mitigations)):
            if ids:
                edits = _in(
                    AuditEvent.objects.filter(object_type=object_type, object_id__in=ids),
                    start,
                    end,
                ).values_list("actor_id", flat=True)
                for actor in edits:
                    took_part(actor, "edited")
        if assessment.status == "decided":
            summary = PublicSummary.objects.filter(assessment_id=assessment.pk).first()
            if summary is not None:
                add(
                    org, "impact.publicsummary", summary.pk, version, summary.written_by_id, "edited"
                )
                writes = _in(
                    AuditEvent.objects.filter(
                        object_type="impact.publicsummary",
                        object_id=str(summary.pk),
                        action="update",
                    ),
                    start,
                    None,
                ).values_list("actor_id", flat=True)
                for actor in writes:
                    add(org, "impact.publicsummary", summary.pk, version, actor, "edited")
    Contribution.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("impact", "0004_template_translations_in_place"),
        ("core", "0005_contribution"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
