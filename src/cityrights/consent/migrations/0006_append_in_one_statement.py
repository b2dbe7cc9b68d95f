"""The ledger append as one database call (PostgreSQL).

``consent_event_text`` writes the canonical JSON of an event exactly as
:func:`cityrights.consent.events.encode_event` does (sorted keys, no spaces,
strings escaped like ``json.dumps(ensure_ascii=False)``, time as
``YYYY-MM-DDTHH:MM:SS.ffffffZ``); a property test compares the two on
arbitrary text, and ``verify-ledger`` recomputes every hash in Python.

``consent_append_event`` locks the subject's chain head, takes the next id,
hashes the event, inserts it, moves the head and upserts the derived states,
all inside one statement: a writer makes one round trip per event and holds
the subject's lock only while the statement runs.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION consent_event_text(
    agreement text, agreement_version integer, kind text, method text, prev_hash text,
    scope text[], seq bigint, subject text, subject_seq integer, at timestamptz, witness text
) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT '{"agreement":' || to_json(agreement)::text
        || ',"agreement_version":' || agreement_version
        || ',"kind":' || to_json(kind)::text
        || ',"method":' || to_json(method)::text
        || ',"prev_hash":' || to_json(prev_hash)::text
        || ',"scope":' || array_to_json(scope)::text
        || ',"seq":' || seq
        || ',"subject":' || to_json(subject)::text
        || ',"subject_seq":' || subject_seq
        || ',"time":"' || to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
        || '","witness":' || coalesce(to_json(witness)::text, 'null')
        || '}'
$$;

CREATE OR REPLACE FUNCTION consent_append_event(
    p_subject bigint, p_kind text, p_version bigint, p_agreement bigint,
    p_agreement_uid text, p_version_number integer, p_scope text[], p_method text,
    p_witness text, p_at timestamptz, p_status text, p_expires_at timestamptz
) RETURNS TABLE (
    event_id bigint, subject_seq integer, prev_hash text, hash text, pseudonym text,
    organisation_id bigint
) LANGUAGE plpgsql AS $$
DECLARE
    head record;
    new_id bigint;
    new_seq integer;
    previous text;
    digest text;
BEGIN
    SELECT s.pseudonym, s.head_seq, s.head_hash, s.organisation_id INTO head
        FROM consent_datasubject s WHERE s.id = p_subject FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;  -- no row: the caller reports the unknown subject
    END IF;
    -- Taken inside the lock, so ids increase along every chain.
    new_id := nextval('consent_ledgerevent_seq');
    new_seq := head.head_seq + 1;
    previous := CASE WHEN head.head_hash = '' THEN encode(sha256(convert_to(
        'cityrights:consent-ledger:genesis:v1:' || head.pseudonym, 'UTF8')), 'hex')
        ELSE head.head_hash END;
    digest := encode(sha256(convert_to(consent_event_text(
        p_agreement_uid, p_version_number, p_kind, p_method, previous, p_scope, new_id,
        head.pseudonym, new_seq, p_at, p_witness), 'UTF8')), 'hex');
    INSERT INTO consent_ledgerevent (id, organisation_id, subject_id, subject_seq, kind,
        agreement_version_id, scope, method, witness, at, prev_hash, hash)
    VALUES (new_id, head.organisation_id, p_subject, new_seq, p_kind, p_version,
        to_jsonb(p_scope), p_method, p_witness, p_at, previous, digest);
    UPDATE consent_datasubject SET head_seq = new_seq, head_hash = digest WHERE id = p_subject;
    INSERT INTO consent_consentstate AS st (subject_id, agreement_id, category, status,
        version_id, event_id, expires_at, updated_at)
    SELECT p_subject, p_agreement, item, p_status, p_version, new_id, p_expires_at, p_at
        FROM unnest(p_scope) AS item
    ON CONFLICT ON CONSTRAINT consent_state_unique DO UPDATE SET
        status = EXCLUDED.status, version_id = EXCLUDED.version_id,
        event_id = EXCLUDED.event_id, expires_at = EXCLUDED.expires_at,
        updated_at = EXCLUDED.updated_at;
    RETURN QUERY SELECT new_id, new_seq, previous, digest, head.pseudonym::text,
        head.organisation_id;
END;
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS consent_append_event(bigint, text, bigint, bigint, text, integer, text[],
    text, text, timestamptz, text, timestamptz);
DROP FUNCTION IF EXISTS consent_event_text(text, integer, text, text, text, text[], bigint, text,
    integer, timestamptz, text);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("consent", "0005_state_rows_updated_in_place")]
    operations = [migrations.RunPython(forwards, backwards)]
