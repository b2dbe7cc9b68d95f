"""The ledger's database-side guarantees.

* The sequence that allocates event ids (the hashed ``seq``) before insert.
* On PostgreSQL, a trigger that refuses DELETE and every UPDATE of a ledger
  event except the sequencer's one write: setting ``leaf_index`` from NULL,
  with every other column unchanged. Someone with plain database rights can
  no longer rewrite history quietly; an attacker who disables the trigger is
  still caught by ``cityrights verify-ledger``.
* The single row of the sequencer's tree head.
"""

from django.db import migrations

CREATE = """
CREATE SEQUENCE IF NOT EXISTS consent_ledgerevent_seq;
CREATE OR REPLACE FUNCTION consent_ledgerevent_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'consent_ledgerevent is append-only (DELETE refused)';
    END IF;
    IF OLD.leaf_index IS NULL AND NEW.leaf_index IS NOT NULL
       AND (NEW.id, NEW.organisation_id, NEW.subject_id, NEW.subject_seq, NEW.kind,
            NEW.agreement_version_id, NEW.scope, NEW.method, NEW.witness, NEW.at,
            NEW.prev_hash, NEW.hash)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.organisation_id, OLD.subject_id, OLD.subject_seq, OLD.kind,
            OLD.agreement_version_id, OLD.scope, OLD.method, OLD.witness, OLD.at,
            OLD.prev_hash, OLD.hash) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'consent_ledgerevent is append-only (only leaf_index may be set, once)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER consent_ledgerevent_append_only
    BEFORE UPDATE OR DELETE ON consent_ledgerevent
    FOR EACH ROW EXECUTE FUNCTION consent_ledgerevent_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS consent_ledgerevent_append_only ON consent_ledgerevent;
DROP FUNCTION IF EXISTS consent_ledgerevent_guard();
DROP SEQUENCE IF EXISTS consent_ledgerevent_seq;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)
    apps.get_model("consent", "LedgerTree").objects.get_or_create(pk=1)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
