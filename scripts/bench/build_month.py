#!/usr/bin/env python
"""Load realistic Beijing months of tickets into a bench database, set-based. Not a test.

    createdb -h 127.0.0.1 -U postgres hotline_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench \
        nice -n 10 .venv/bin/python scripts/bench/build_month.py --tickets 2000000 --months 1

Migrates the database and seeds the units directory first (the project's own schema and
indexes), then writes each month with a handful of INSERT … SELECT statements over
generate_series — no Python loop over rows. A month has the shape SPEC §10 describes:

- street load skewed ~100× between the busiest and the quietest street (a density that
  grows as 100^x along a random order of the streets);
- 40 % dispatched (a fifth of those to departments), 50 % answered directly, the rest
  transferred, merged or (the last half hour) still new;
- handling that progresses with age, so the month ending now has open tickets and the
  older months are closed; ~8 % replied after the feedback deadline, flagged as the
  sweep would have; nothing is left due, so a sweep of the fresh data has nothing to do;
- ~3.6 events a ticket, co-handlers on 10 % and whistles on 2 % of dispatched tickets,
  a counted callback on every closed ticket (~650 k per 2 M), one notification per
  dispatch and per breach, a few review requests.

Month 0 ends at the moment of the first build (kept in table bench_meta); month k ends
30·k days earlier. Months already present are skipped, so `--months 3` after
`--months 1` adds the two older months (a 6 M table from a 2 M one).
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from hotline.models import Role, Unit, UnitType, User  # noqa: E402
from hotline.textsearch import search_tokens  # noqa: E402

MONTH = timedelta(days=30)
HANDLED = ("dispatched", "signed", "in_progress", "returned")


def month_prefix(k: int) -> str:
    return f"BM{k}-"


def bench_end(cursor) -> object:
    """The end of month 0: fixed at the first build so later months line up behind it."""
    cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (end_at timestamptz NOT NULL)")
    cursor.execute("SELECT end_at FROM bench_meta")
    row = cursor.fetchone()
    if row:
        return row[0]
    end = timezone.now()
    cursor.execute("INSERT INTO bench_meta VALUES (%s)", [end])
    return end


def bench_users() -> dict:
    """One operator, dispatcher and callback agent in the centre; one staff user per unit."""
    centre = Unit.objects.get(type=UnitType.CENTRE)
    people = {}
    for name, role in (
        ("bench-operator", Role.OPERATOR),
        ("bench-dispatcher", Role.DISPATCHER),
        ("bench-agent", Role.CALLBACK_AGENT),
    ):
        people[name], _ = User.objects.get_or_create(
            username=name, defaults={"unit": centre, "role": role}
        )
    have = set(
        User.objects.filter(username__startswith="bench-u").values_list("unit_id", flat=True)
    )
    units = Unit.objects.filter(
        type__in=[UnitType.STREET, UnitType.DEPARTMENT, UnitType.DISTRICT, UnitType.COMPANY]
    ).exclude(pk__in=have)
    User.objects.bulk_create(
        User(username=f"bench-u{u.pk}", unit=u, role=Role.UNIT_STAFF, password="!") for u in units
    )
    people["centre"] = centre
    return people


def build_month(cursor, k: int, n: int, end, people) -> None:
    prefix = month_prefix(k)
    cursor.execute("SELECT 1 FROM tickets_ticket WHERE number = %s", [f"{prefix}00000001"])
    if cursor.fetchone():
        print(f"month {k}: already there, skipped", file=sys.stderr)
        return
    stop = end - k * MONTH
    start = stop - MONTH
    params = {
        "n": n,
        "start": start,
        "stop": stop,
        "now": end,
        "prefix": prefix,
        "op": people["bench-operator"].pk,
        "disp": people["bench-dispatcher"].pk,
        "agent": people["bench-agent"].pk,
        "centre": people["centre"].pk,
    }
    cursor.execute("SELECT setseed(%s)", [0.1 + k / 100])
    cursor.execute("SELECT coalesce(max(id), 0) FROM tickets_ticket")
    before = cursor.fetchone()[0]
    params["before"] = before
    steps = [
        ("tickets", TICKETS),
        ("events", EVENTS),
        ("participations", PARTICIPATIONS),
        ("participation events", PARTICIPATION_EVENTS),
        ("callbacks", CALLBACKS),
        ("notifications", NOTIFICATIONS),
        ("review requests", REVIEWS),
    ]
    for label, sql in steps:
        t = time.perf_counter()
        cursor.execute(sql, params)
        print(
            f"month {k}: {cursor.rowcount:>10,} {label} in {time.perf_counter() - t:6.1f} s",
            file=sys.stderr,
        )


def street_tokens(cursor):
    """Each street's share of the search tokens of its tickets' address and content.

    Tickets are written in SQL, so the Python cut (hotline.textsearch) is run once per
    street on the fixed parts of the texts TICKETS writes; the numbers are added in SQL.
    """
    cursor.execute("ALTER TABLE bs ADD COLUMN tok_address text, ADD COLUMN tok_content text")
    cursor.execute("SELECT id, name FROM bs")
    rows = [
        (
            search_tokens(f"{name}某小区"),
            search_tokens(f"市民反映：{name}附近的问题，希望尽快处理。基准数据第"),
            pk,
        )
        for pk, name in cursor.fetchall()
    ]
    cursor.executemany("UPDATE bs SET tok_address = %s, tok_content = %s WHERE id = %s", rows)


# Lookup tables: streets in a random order (their position sets their load), leaf
# categories, departments, and each unit's bench user.
PICK_TABLES = """
DROP TABLE IF EXISTS bs, bc, bd, bu;
CREATE TEMP TABLE bs AS
  SELECT (row_number() OVER (ORDER BY md5(code)) - 1)::int AS idx, id, district_id, name
  FROM hotline_unit WHERE type = 'street' AND active;
CREATE TEMP TABLE bc AS
  SELECT (row_number() OVER (ORDER BY code) - 1)::int AS idx, id, default_urgency, duty_unit_id
  FROM hotline_category WHERE default_urgency IS NOT NULL AND active;
CREATE TEMP TABLE bd AS
  SELECT (row_number() OVER (ORDER BY code) - 1)::int AS idx, id
  FROM hotline_unit WHERE type = 'department' AND active;
CREATE TEMP TABLE bu AS
  SELECT unit_id, min(id) AS user_id FROM hotline_user
  WHERE username LIKE 'bench-u%' GROUP BY unit_id;
CREATE UNIQUE INDEX ON bs (idx); CREATE UNIQUE INDEX ON bc (idx);
CREATE UNIQUE INDEX ON bd (idx); CREATE UNIQUE INDEX ON bu (unit_id);
ANALYZE bs; ANALYZE bc; ANALYZE bd; ANALYZE bu;
"""

TICKETS = """
WITH sizes AS (
  SELECT (SELECT count(*) FROM bs) AS s, (SELECT count(*) FROM bc) AS c,
         (SELECT count(*) FROM bd) AS d
), r AS (
  SELECT g, %(start)s::timestamptz
            + ((g - 1 + random()) / %(n)s) * (%(stop)s::timestamptz - %(start)s::timestamptz) AS t,
         -- the street's position: inverse of a density growing as 100^x (busiest ~100×)
         least(s - 1, floor(s * ln(1 + 99 * random()) / ln(100)))::int AS si,
         floor(random() * c)::int AS ci, floor(random() * d)::int AS di,
         random() AS u_kind, random() AS u_lead, random() AS u_rep, random() AS u_excl,
         random() AS u_sign, random() AS u_contact
  FROM generate_series(1, %(n)s) g, sizes
), b AS (
  SELECT r.*, bs.id AS street_id, bs.district_id, bs.name AS street_name,
         bs.tok_address, bs.tok_content, bc.id AS category_id,
         bc.default_urgency AS urgency, coalesce(bc.duty_unit_id, bd.id) AS dept_id,
         r.u_kind < 0.40 AS dispatched,
         r.t + interval '10 minutes' AS disp_at
  FROM r JOIN bs ON bs.idx = r.si JOIN bc ON bc.idx = r.ci JOIN bd ON bd.idx = r.di
), h AS (
  SELECT b.*,
    CASE WHEN dispatched THEN disp_at + u_sign * interval '20 minutes' END AS sign_at,
    CASE WHEN dispatched THEN disp_at + u_contact * interval '12 hours' END AS contact_at,
    -- replies spread over 7.6 days against a 7-day deadline: ~8 %% late
    CASE WHEN dispatched THEN disp_at + u_rep * interval '7.6 days' END AS reply_at
  FROM b
)
INSERT INTO tickets_ticket (
  number, channel, received_at, created_by_id, idempotency_key, caller_name, caller_phone,
  confidential, address, district_id, street_id, community_id, latitude, longitude, kind,
  category_id, content, urgency, urgency_reason, status, answer, transferred_to, master_id,
  lead_unit_id, dispatched_at, sign_deadline, contact_deadline, feedback_deadline,
  return_deadline, signed_at, contacted_at, replied_at, result, result_note, reopen_count,
  sign_overdue, contact_overdue, feedback_overdue, overdue, excluded, excluded_reason,
  search_tokens, media_url, notify_caller)
SELECT
  %(prefix)s || lpad(g::text, 8, '0'),
  (ARRAY['phone','phone','phone','web','app','mini_program'])[1 + floor(u_sign * 6)::int],
  t, %(op)s, NULL, '市民', '1' || (3 + floor(u_contact * 7))::int::text
    || lpad(floor(random() * 1e9)::bigint::text, 9, '0'),
  u_excl < 0.01, street_name || '某小区' || (g %% 40 + 1)::text || '号楼',
  district_id, street_id, NULL, NULL, NULL,
  CASE WHEN dispatched THEN 'complaint' ELSE 'enquiry' END,
  category_id, '市民反映：' || street_name || '附近的问题，希望尽快处理。基准数据第 '
    || g::text || ' 条。', coalesce(urgency, 3), '',
  CASE
    WHEN dispatched THEN CASE
      WHEN reply_at + interval '1 day' <= %(now)s THEN 'closed'
      WHEN reply_at <= %(now)s THEN 'replied'
      WHEN contact_at <= %(now)s THEN 'in_progress'
      WHEN sign_at <= %(now)s THEN 'signed'
      ELSE 'dispatched' END
    WHEN u_kind < 0.90 THEN 'answered'
    WHEN u_kind < 0.95 THEN 'merged'
    WHEN u_kind < 0.97 THEN 'transferred'
    WHEN t > %(now)s - interval '30 minutes' THEN 'new'
    ELSE 'answered' END,
  CASE WHEN NOT dispatched AND u_kind < 0.90 OR u_kind >= 0.97 THEN '已解答。' ELSE '' END,
  CASE WHEN u_kind >= 0.95 AND u_kind < 0.97 THEN '110' ELSE '' END,
  NULL,
  CASE WHEN dispatched THEN CASE WHEN u_lead < 0.8 THEN street_id ELSE dept_id END END,
  CASE WHEN dispatched THEN disp_at END,
  CASE WHEN dispatched THEN disp_at + interval '2 hours' END,
  CASE WHEN dispatched THEN disp_at + interval '24 hours' END,
  CASE WHEN dispatched THEN disp_at + interval '7 days' END,
  CASE WHEN dispatched THEN disp_at + interval '2 hours' END,
  CASE WHEN sign_at <= %(now)s THEN sign_at END,
  CASE WHEN contact_at <= %(now)s THEN contact_at END,
  CASE WHEN reply_at <= %(now)s THEN reply_at END,
  CASE WHEN reply_at <= %(now)s THEN 'solved' ELSE '' END,
  CASE WHEN reply_at <= %(now)s THEN '已处理。' ELSE '' END,
  0, false, false,
  dispatched AND reply_at > disp_at + interval '7 days'
    AND disp_at + interval '7 days' < %(now)s,
  dispatched AND reply_at > disp_at + interval '7 days'
    AND disp_at + interval '7 days' < %(now)s,
  dispatched AND u_excl < 0.02,
  CASE WHEN dispatched AND u_excl < 0.02 THEN 'unreasonable' ELSE '' END,
  -- what search_tokens(address, content) cuts, pieced from each street's cut (street_tokens)
  tok_address || ' ' || (g %% 40 + 1)::text || ' 号楼 楼 ' || tok_content || ' ' || g::text
    || ' 条',
  '', true
FROM h
"""

EVENTS = """
INSERT INTO tickets_ticketevent (ticket_id, type, actor_id, unit_id, at, note, payload)
SELECT t.id, e.type, e.actor, e.unit, e.at, '', e.payload
FROM tickets_ticket t
LEFT JOIN bu ON bu.unit_id = t.lead_unit_id
CROSS JOIN LATERAL (VALUES
  ('created', %(op)s, %(centre)s, t.received_at, true, '{}'::jsonb),
  ('answered', %(op)s, %(centre)s, t.received_at + interval '5 minutes',
     t.status = 'answered', '{}'),
  ('transferred', %(op)s, %(centre)s, t.received_at + interval '2 minutes',
     t.status = 'transferred', '{"to": "110"}'),
  ('merged', %(op)s, %(centre)s, t.received_at + interval '3 minutes', t.status = 'merged', '{}'),
  ('dispatched', %(disp)s, %(centre)s, t.dispatched_at, t.dispatched_at IS NOT NULL, '{}'),
  ('signed', bu.user_id, t.lead_unit_id, t.signed_at, t.signed_at IS NOT NULL, '{}'),
  ('contacted', bu.user_id, t.lead_unit_id, t.contacted_at, t.contacted_at IS NOT NULL, '{}'),
  ('replied', bu.user_id, t.lead_unit_id, t.replied_at, t.replied_at IS NOT NULL, '{}'),
  ('called_back', %(agent)s, %(centre)s, t.replied_at + interval '1 day',
     t.status = 'closed', '{}'),
  ('supervised', NULL, t.lead_unit_id, t.feedback_deadline, t.feedback_overdue,
     '{"breach": "feedback_overdue"}')
) AS e(type, actor, unit, at, keep, payload)
WHERE t.id > %(before)s AND e.keep
"""

PARTICIPATIONS = """
INSERT INTO tickets_participation (ticket_id, unit_id, role, created_at, active,
  report_in_deadline, reported_in_at, report_in_overdue, part_reported_at, part_note)
SELECT t.id, bd.id, p.role, t.dispatched_at + p.after, true,
  CASE WHEN p.role = 'summoned' THEN t.dispatched_at + p.after + interval '30 minutes' END,
  CASE WHEN p.role = 'summoned'
       AND t.dispatched_at + p.after + interval '20 minutes' <= %(now)s
       THEN t.dispatched_at + p.after + interval '20 minutes' END,
  false, NULL, ''
FROM (SELECT t.*, random() AS u, floor(random() * (SELECT count(*) FROM bd))::int AS di
      FROM tickets_ticket t WHERE t.id > %(before)s AND t.dispatched_at IS NOT NULL) t
JOIN bd ON bd.idx = t.di
CROSS JOIN LATERAL (VALUES ('co', interval '0 minutes', t.u < 0.10),
                           ('summoned', interval '8 hours', t.u >= 0.10 AND t.u < 0.12))
  AS p(role, after, keep)
WHERE p.keep AND bd.id <> t.lead_unit_id AND t.dispatched_at + p.after <= %(now)s
"""

PARTICIPATION_EVENTS = """
INSERT INTO tickets_ticketevent (ticket_id, type, actor_id, unit_id, at, note, payload)
SELECT p.ticket_id, e.type, e.actor, e.unit, e.at, '', '{}'::jsonb
FROM tickets_participation p
JOIN tickets_ticket t ON t.id = p.ticket_id
LEFT JOIN bu lead ON lead.unit_id = t.lead_unit_id
LEFT JOIN bu dept ON dept.unit_id = p.unit_id
CROSS JOIN LATERAL (VALUES
  ('whistled', lead.user_id, t.lead_unit_id, p.created_at, true),
  ('reported_in', dept.user_id, p.unit_id, p.reported_in_at, p.reported_in_at IS NOT NULL)
) AS e(type, actor, unit, at, keep)
WHERE p.ticket_id > %(before)s AND p.role = 'summoned' AND e.keep
"""

CALLBACKS = """
INSERT INTO tickets_callback (ticket_id, agent_id, at, valid, invalid_reason, contacted,
  solved, satisfaction, counted, lead_unit_id)
SELECT id, %(agent)s, replied_at + interval '1 day', u < 0.92,
  CASE WHEN u >= 0.92 THEN 'unreachable' ELSE '' END,
  CASE WHEN u < 0.92 THEN u < 0.90 END,
  CASE WHEN u < 0.92 THEN u < 0.70 END,
  CASE WHEN u >= 0.92 THEN '' WHEN u < 0.62 THEN 'satisfied'
       WHEN u < 0.80 THEN 'basically_satisfied' ELSE 'unsatisfied' END,
  true, lead_unit_id
FROM (SELECT id, replied_at, lead_unit_id, random() AS u FROM tickets_ticket
      WHERE id > %(before)s AND status = 'closed') t
"""

NOTIFICATIONS = """
INSERT INTO tickets_notification (user_id, ticket_id, kind, message, created_at, read_at)
SELECT bu.user_id, t.id, n.kind, '工单 ' || t.number || n.what, n.at,
  CASE WHEN n.at < %(now)s - interval '1 day' THEN n.at + interval '1 hour' END
FROM tickets_ticket t
JOIN bu ON bu.unit_id = t.lead_unit_id
CROSS JOIN LATERAL (VALUES
  ('dispatched', ' 已派至本单位', t.dispatched_at, true),
  ('overdue', ' 反馈超时', t.feedback_deadline, t.feedback_overdue)
) AS n(kind, what, at, keep)
WHERE t.id > %(before)s AND n.keep
"""

REVIEWS = """
INSERT INTO tickets_reviewrequest (ticket_id, kind, unit_id, requested_by_id, requested_at,
  reason, days, decision, decided_by_id, decided_at, decision_note)
SELECT t.id, 'extension', t.lead_unit_id, bu.user_id, t.dispatched_at + interval '2 days',
  '需协调多个部门', 5,
  CASE WHEN t.status IN ('signed', 'in_progress') THEN 'pending' ELSE 'approved' END,
  CASE WHEN t.status IN ('signed', 'in_progress') THEN NULL ELSE %(disp)s END,
  CASE WHEN t.status IN ('signed', 'in_progress') THEN NULL
       ELSE t.dispatched_at + interval '3 days' END, ''
FROM tickets_ticket t JOIN bu ON bu.unit_id = t.lead_unit_id
WHERE t.id > %(before)s AND t.dispatched_at + interval '2 days' <= %(now)s
  AND t.id %% 200 = 0
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=2_000_000, help="tickets a month")
    parser.add_argument("--months", type=int, default=1, help="months, newest first")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run this against PostgreSQL (set DATABASE_URL)")
    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed_units", verbosity=0)
    people = bench_users()
    with connection.cursor() as cursor:
        end = bench_end(cursor)
        cursor.execute(PICK_TABLES)
        street_tokens(cursor)
        for k in range(args.months):
            with transaction.atomic():
                build_month(cursor, k, args.tickets, end, people)
        t = time.perf_counter()
        for table in ("ticket", "ticketevent", "participation", "callback", "notification"):
            cursor.execute(f"VACUUM ANALYZE tickets_{table}")
        # The rest (units, categories, users…) as a live server's autovacuum would have it:
        # it may be off (it is on this project's machines), and a unit table without
        # statistics is scanned whole for every list page's fifty units.
        cursor.execute("ANALYZE")
        print(f"vacuum analyze in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        total = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM tickets_ticketevent")
        events = cursor.fetchone()[0]
    print(
        f"{total:,} tickets, {events:,} events ({events / max(total, 1):.2f} a ticket) "
        f"in {time.perf_counter() - began:.0f} s"
    )


if __name__ == "__main__":
    main()
