"""A published (frozen) score run cannot be deleted or unpublished, even by SQL typed by hand.

PostgreSQL only; elsewhere the model's signals refuse it from Python.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION scoring_refuse_unfreezing() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.published THEN
        RAISE EXCEPTION 'score run % of % is published (frozen) and cannot be deleted',
            OLD.id, OLD.period;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.published AND (NOT NEW.published OR NEW.period <> OLD.period) THEN
        RAISE EXCEPTION 'score run % of % is published (frozen) and cannot be unpublished',
            OLD.id, OLD.period;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS scoring_scorerun_frozen ON scoring_scorerun;
CREATE TRIGGER scoring_scorerun_frozen BEFORE UPDATE OR DELETE ON scoring_scorerun
    FOR EACH ROW EXECUTE FUNCTION scoring_refuse_unfreezing();
"""

DROP = """
DROP TRIGGER IF EXISTS scoring_scorerun_frozen ON scoring_scorerun;
DROP FUNCTION IF EXISTS scoring_refuse_unfreezing();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # "%" is plpgsql here


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
