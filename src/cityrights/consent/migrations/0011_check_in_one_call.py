"""The single consent check decided and logged by one database function (PostgreSQL).

``consent_check_and_log`` holds the rules of ``partner_checks._judge`` in the same order:
an agreement without published terms, a purpose or a data category the terms do not cover,
an ended agreement, processing that does not rest on consent, then each category's consent
(none, withdrawn, expired, not covering the purpose), the categories in the order given
(the caller sorts them). It inserts the log row and returns the answer, so a check is one
round trip; an agreement that is unknown or not the recipient's returns no row and logs
nothing (the caller then says which).

It replaces one large statement that did the same with a UNION of every candidate answer:
PostgreSQL spent more time setting that plan up on each call (about 40 plan nodes) than
running it, and the function's three small queries, planned once per session, cost about
0.08 ms less per check. Tests compare it with ``_judge`` on every rule.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION consent_check_and_log(
    p_city bigint, p_agreement text, p_recipient bigint, p_key bigint, p_subject text,
    p_purpose text, p_categories text[], p_today date, p_now timestamptz, p_bases text,
    p_async boolean,
    OUT decision text, OUT reason text, OUT event_id bigint, OUT slug text,
    OUT number integer, OUT expires bigint
) RETURNS SETOF record LANGUAGE plpgsql AS $$
DECLARE
    a record;
    st record;
    wanted text;
    given_event bigint;
    given_until timestamptz;
    until timestamptz;
BEGIN
    -- The agreement, its current terms and the subject, in one query.
    SELECT g.id, g.slug, g.consent_based, g.legal_basis, t.id AS terms, t.number, t.purposes,
           t.data_categories, t.expires_on, d.id AS person INTO a
        FROM consent_processingagreement g
        LEFT JOIN LATERAL (
            SELECT v.id, v.number, v.purposes, v.data_categories, v.expires_on
            FROM consent_agreementversion v
            WHERE v.agreement_id = g.id AND v.status = 'published'
            ORDER BY v.number DESC LIMIT 1
        ) t ON true
        LEFT JOIN consent_datasubject d
            ON d.pseudonym = p_subject AND d.organisation_id = p_city AND d.erased_at IS NULL
        WHERE g.organisation_id = p_city AND g.slug = p_agreement
            AND g.recipient_id = p_recipient;
    IF NOT FOUND THEN
        RETURN;  -- no row, nothing logged: the caller reports the unknown agreement
    END IF;
    IF a.terms IS NULL THEN
        decision := 'deny'; reason := 'the agreement has no published terms';
    ELSIF NOT a.purposes ? p_purpose THEN
        decision := 'deny'; reason := 'the purpose is not covered by the agreement';
    ELSE
        FOREACH wanted IN ARRAY p_categories LOOP
            IF NOT a.data_categories ? wanted THEN
                decision := 'deny';
                reason := 'data category ' || wanted || ' is not covered by the agreement';
                EXIT;
            END IF;
        END LOOP;
    END IF;
    IF decision IS NULL AND a.expires_on < p_today THEN
        decision := 'deny'; reason := 'the agreement has ended';
    END IF;
    IF decision IS NULL AND NOT a.consent_based THEN
        decision := 'permit';
        reason := 'processing rests on ' || COALESCE(
            p_bases::jsonb ->> a.legal_basis,  -- read only here: most checks never parse it
            regexp_replace(regexp_replace(a.legal_basis, '^.*#', ''), '^.*/', '')
        ) || ', not on consent';
    END IF;
    IF decision IS NULL THEN
        FOREACH wanted IN ARRAY p_categories LOOP
            SELECT s.status, s.expires_at, s.event_id, sv.purposes ? p_purpose AS covers INTO st
                FROM consent_consentstate s
                LEFT JOIN consent_agreementversion sv ON sv.id = s.version_id
                WHERE s.subject_id = a.person AND s.agreement_id = a.id AND s.category = wanted;
            IF NOT FOUND THEN
                decision := 'deny'; reason := 'no consent on record';
            ELSIF st.status = 'withdrawn' THEN
                decision := 'deny'; reason := 'consent withdrawn'; event_id := st.event_id;
            ELSIF st.status = 'expired' OR st.expires_at <= p_now THEN
                decision := 'deny'; reason := 'consent expired'; event_id := st.event_id;
                until := st.expires_at;
            ELSIF NOT st.covers THEN
                decision := 'deny'; reason := 'the consent given does not cover this purpose';
                event_id := st.event_id;
            END IF;
            EXIT WHEN decision IS NOT NULL;
            given_event := greatest(given_event, st.event_id);
            given_until := least(given_until, st.expires_at);
        END LOOP;
        IF decision IS NULL THEN
            decision := 'permit'; reason := 'consent given';
            event_id := given_event; until := given_until;
        END IF;
    END IF;
    IF p_async THEN
        -- This transaction only: the log row is committed without waiting for the disk.
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    INSERT INTO consent_consentcheck (organisation_id, subject_id, recipient_id, api_key_id,
        agreement_id, purpose, categories, decision, reason, event_id, at)
    VALUES (p_city, a.person, p_recipient, p_key, a.id, p_purpose, to_jsonb(p_categories),
        decision, reason, event_id, p_now);
    slug := a.slug;
    number := a.number;
    expires := (extract(epoch FROM until) * 1000000)::bigint;
    RETURN NEXT;
END;
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS consent_check_and_log(bigint, text, bigint, bigint, text, text, text[],
    date, timestamptz, text, boolean);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("consent", "0010_texts_in_city_languages")]
    operations = [migrations.RunPython(forwards, backwards)]
