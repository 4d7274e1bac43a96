#!/usr/bin/env python
"""Time every row of issue 15's table against its floor, on a database build_month.py filled.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench \
        nice -n 10 .venv/bin/python scripts/bench/run.py --label 2M \
        --save /tmp/bench_2m.json --compare /tmp/bench_200k.json

Each figure is a median (lists: the 95th percentile) of runs taken in turn with its floor
on the same rows: the sweep against one set-based UPDATE … RETURNING + INSERT per breach,
scoring against one grouped SQL per figure, lists against their figure at the smaller
size (--compare). Pages are timed in-process through Django's test client (server time:
middleware, query, serialization, template), not over HTTP; intake over HTTP is
scripts/bench/intake.py. Writes happen in transactions that are rolled back.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from hotline.models import Role, Unit, UnitType, User  # noqa: E402
from scoring.compute import build_rows, policies_for  # noqa: E402
from tickets import selectors  # noqa: E402
from tickets.models import Ticket, TicketEvent  # noqa: E402
from tickets.sweep import sweep_deadlines  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]


class Rollback(Exception):
    pass


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def in_rollback(fn, setup=None):
    """Time fn inside a transaction that is rolled back afterwards (setup is not timed)."""
    took = None
    try:
        with transaction.atomic():
            if setup:
                setup()
            took = timed(fn)
            raise Rollback
    except Rollback:
        pass
    return took


def median(fn, runs):
    return statistics.median(fn() for _ in range(runs))


def p95(samples):
    """The 95th percentile, and the median beside it in MEDIANS (a loaded machine's p95
    is mostly its neighbours' noise; the median says what the query costs)."""
    samples = sorted(samples)
    MEDIANS.append(statistics.median(samples))
    return samples[max(0, round(0.95 * len(samples)) - 1)]


MEDIANS: list = []


# --- the sweep ----------------------------------------------------------------------------

HANDLED = "('dispatched','signed','in_progress','returned')"
SET_BASED_SWEEP = [
    f"""
    WITH hit AS (
      UPDATE tickets_ticket SET {flag} = true, overdue = true
      WHERE {deadline} < %(now)s AND {done} IS NULL AND NOT {flag} AND status IN {HANDLED}
      RETURNING id, lead_unit_id, {deadline} AS deadline)
    INSERT INTO tickets_ticketevent (ticket_id, type, actor_id, unit_id, at, note, payload)
    SELECT id, 'supervised', NULL, lead_unit_id, %(now)s, '',
           jsonb_build_object('breach', '{flag}', 'deadline', deadline)
    FROM hit"""
    for flag, deadline, done in (
        ("sign_overdue", "sign_deadline", "signed_at"),
        ("contact_overdue", "contact_deadline", "contacted_at"),
        ("feedback_overdue", "feedback_deadline", "replied_at"),
    )
] + [
    """
    WITH hit AS (
      UPDATE tickets_participation p SET report_in_overdue = true FROM tickets_ticket t
      WHERE t.id = p.ticket_id AND p.report_in_deadline < %(now)s AND p.role = 'summoned'
        AND p.reported_in_at IS NULL AND NOT p.report_in_overdue
        AND t.status IN ('dispatched','signed','in_progress','returned','replied')
      RETURNING p.ticket_id, p.unit_id, p.report_in_deadline AS deadline)
    INSERT INTO tickets_ticketevent (ticket_id, type, actor_id, unit_id, at, note, payload)
    SELECT ticket_id, 'supervised', NULL, unit_id, %(now)s, '',
           jsonb_build_object('breach', 'report_in_overdue', 'deadline', deadline)
    FROM hit"""
]


def set_based_sweep(now):
    with connection.cursor() as c:
        for sql in SET_BASED_SWEEP:
            c.execute(sql, {"now": now})


def make_breaches(now, n):
    """n open tickets whose feedback deadline ran out an hour ago, not yet flagged."""

    def setup():
        with connection.cursor() as c:
            c.execute(
                f"""UPDATE tickets_ticket SET feedback_deadline = %s - interval '1 hour',
                       feedback_overdue = false, overdue = false
                    WHERE id IN (SELECT id FROM tickets_ticket
                                 WHERE status IN {HANDLED} AND replied_at IS NULL
                                 ORDER BY id LIMIT %s)""",
                [now, n],
            )
            assert c.rowcount == n, f"only {c.rowcount} open tickets for {n} breaches"

    return setup


def bench_sweep(out, runs):
    now = timezone.now()
    a = median(lambda: in_rollback(lambda: sweep_deadlines(now=now)), runs)
    b = median(lambda: in_rollback(lambda: set_based_sweep(now)), runs)
    out["sweep_idle"] = (a, b)
    setup = make_breaches(now, 10_000)
    pairs = []
    for _ in range(max(1, runs // 2)):
        pairs.append(
            (
                in_rollback(lambda: sweep_deadlines(now=now), setup),
                in_rollback(lambda: set_based_sweep(now), setup),
            )
        )
    out["sweep_10k"] = tuple(statistics.median(p[i] for p in pairs) for i in (0, 1))


# --- pages and lists ----------------------------------------------------------------------


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def page_p95(client, url, runs):
    samples = []
    client.get(url)  # warm: the first request of a client loads the session
    for _ in range(runs):
        t = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - t)
        assert response.status_code == 200, (url, response.status_code)
    return p95(samples)


def query_p95(fn, runs):
    fn()
    return p95([timed(fn) for _ in range(runs)])


def people():
    centre = Unit.objects.get(type=UnitType.CENTRE)
    busiest = (
        Ticket.objects.filter(lead_unit__type=UnitType.STREET)
        .values("lead_unit_id")
        .order_by()
        .annotate(n=django.db.models.Count("id"))
        .order_by("-n")
        .first()
    )
    street = Unit.objects.get(pk=busiest["lead_unit_id"])
    dept = Unit.objects.filter(type=UnitType.DEPARTMENT, code__startswith="C-").first() or (
        Unit.objects.filter(type=UnitType.DEPARTMENT).first()
    )

    def user(name, unit, role):
        u, _ = User.objects.get_or_create(username=name, defaults={"unit": unit, "role": role})
        return u

    return {
        "centre": user("bench-operator", centre, Role.OPERATOR),
        "agent": user("bench-agent", centre, Role.CALLBACK_AGENT),
        "dispatcher": user("bench-dispatcher", centre, Role.DISPATCHER),
        "leader": user("bench-leader", centre, Role.LEADER),
        "district": User.objects.get(username=f"bench-u{street.district_id}"),
        "street": User.objects.get(username=f"bench-u{street.pk}"),
        "dept": User.objects.get(username=f"bench-u{dept.pk}"),
        "street_unit": street,
    }


def bench_lists(out, who, runs):
    c = {k: client_for(v) for k, v in who.items() if isinstance(v, User)}
    pages = {
        "api list as centre": (c["centre"], "/api/v1/tickets/"),
        "api list as district": (c["district"], "/api/v1/tickets/"),
        "api list as street (busiest)": (c["street"], "/api/v1/tickets/"),
        "api list as street, status=replied": (c["street"], "/api/v1/tickets/?status=replied"),
        "api list as department": (c["dept"], "/api/v1/tickets/"),
        "api notifications as street": (c["street"], "/api/v1/notifications/"),
        "inbox page (street)": (c["street"], "/inbox/"),
        "callback queue page": (c["agent"], "/callbacks/"),
        "dispatch queue page": (c["dispatcher"], "/dispatch/"),
        "reviews page": (c["dispatcher"], "/reviews/"),
    }
    for label, (client, url) in pages.items():
        out[label] = page_p95(client, url, runs)
        out[label + " (median)"] = MEDIANS[-1]
    out["callback queue count"] = query_p95(
        lambda: selectors.callback_queue_count(who["agent"]), runs
    )
    out["callback queue count (median)"] = MEDIANS[-1]


# --- scoring ------------------------------------------------------------------------------

GROUPED_SCORING = [
    """SELECT c.lead_unit_id, count(*) FILTER (WHERE c.valid),
              count(*) FILTER (WHERE c.valid AND c.contacted),
              count(*) FILTER (WHERE c.valid AND c.solved),
              count(*) FILTER (WHERE c.valid AND c.satisfaction = 'satisfied'),
              count(*) FILTER (WHERE c.valid AND c.satisfaction = 'basically_satisfied')
       FROM tickets_callback c
       WHERE c.counted AND c.at >= %(start)s AND c.at < %(end)s
       GROUP BY 1""",
    """SELECT lead_unit_id, count(*), count(*) FILTER (WHERE excluded),
              count(*) FILTER (WHERE feedback_overdue)
       FROM tickets_ticket
       WHERE dispatched_at >= %(start)s AND dispatched_at < %(end)s
         AND lead_unit_id IS NOT NULL AND status <> 'merged'
       GROUP BY 1""",
    """SELECT unit_id, count(*) FROM tickets_ticketevent
       WHERE type = 'whistled' AND at >= %(start)s AND at < %(end)s AND unit_id IS NOT NULL
       GROUP BY 1""",
    """SELECT t.lead_unit_id, count(*) FROM tickets_participation p
       JOIN tickets_ticket t ON t.id = p.ticket_id
       WHERE p.role = 'summoned' AND p.created_at >= %(start)s AND p.created_at < %(end)s
       GROUP BY 1""",
    """SELECT unit_id, count(*), count(*) FILTER (WHERE reported_in_at <= report_in_deadline),
              count(*) FILTER (WHERE reported_in_at > report_in_deadline),
              count(*) FILTER (WHERE reported_in_at IS NULL)
       FROM tickets_participation
       WHERE role = 'summoned' AND created_at >= %(start)s AND created_at < %(end)s
       GROUP BY 1""",
]


def bench_scoring(out, runs):
    with connection.cursor() as c:
        c.execute("SELECT end_at FROM bench_meta")
        end = c.fetchone()[0]
    start = end - django.utils.timezone.timedelta(days=30)
    policies = policies_for("2030-01")

    def grouped():
        with connection.cursor() as c:
            for sql in GROUPED_SCORING:
                c.execute(sql, {"start": start, "end": end})
                c.fetchall()

    pairs = [
        (timed(lambda: build_rows("2030-01", start, end, policies)), timed(grouped))
        for _ in range(runs)
    ]
    out["scoring"] = tuple(statistics.median(p[i] for p in pairs) for i in (0, 1))


# --- the ticket page ----------------------------------------------------------------------


def bench_ticket_page(out, who, runs):
    ticket = Ticket.objects.filter(status="closed", street=who["street_unit"]).first()
    small = Ticket.objects.filter(status="closed").exclude(pk=ticket.pk).first()
    client = client_for(who["centre"])
    results = {}

    def add_events():
        TicketEvent.objects.bulk_create(
            TicketEvent(
                ticket=ticket,
                type="supervised" if i % 2 else "contacted",
                actor=who["street"],
                unit=who["street_unit"],
                at=ticket.received_at + timezone.timedelta(minutes=i),
                note=f"第 {i} 条说明",
            )
            for i in range(1000)
        )

    for label, path in (("web", "/tickets/{}/"), ("api", "/api/v1/tickets/{}/")):

        def big(path=path, label=label):
            results[f"ticket {label} 1000 events"] = page_p95(
                client, path.format(ticket.number), runs
            )
            results[f"ticket {label} 1000 events (median)"] = MEDIANS[-1]

        in_rollback(big, add_events)
        results[f"ticket {label} few events"] = page_p95(client, path.format(small.number), runs)
        results[f"ticket {label} few events (median)"] = MEDIANS[-1]
    out.update(results)


def bench_dashboard(out, who, runs):
    client = client_for(who["leader"])
    try:
        out["/dashboard/"] = page_p95(client, "/dashboard/", max(3, runs // 4))
    except AssertionError as exc:
        out["/dashboard/"] = f"not callable: {exc}"


# --- exports ------------------------------------------------------------------------------


def bench_exports(out, who, runs):
    """A district's month as CSV (streamed, read to the end) against PostgreSQL's own COPY of
    the same columns to the client, in turn; and the same rows as xlsx."""
    from tickets import exports

    user = who["district"]
    with connection.cursor() as c:
        c.execute("SELECT end_at FROM bench_meta")
        end = c.fetchone()[0]
    rows = selectors.list_tickets(user).filter(
        received_at__gte=end - timezone.timedelta(days=30), received_at__lt=end
    )
    out["export rows"] = rows.count()

    def ours():
        response = exports.csv_response(user, rows, "bench")
        sum(len(chunk) for chunk in response.streaming_content)

    paths = [path for _h, path, _k, _w in exports._columns()]
    sql, params = rows.prefetch_related(None).values_list(*paths).query.sql_with_params()

    def copy():
        with connection.cursor() as c, open(os.devnull, "w") as sink:
            inner = c.cursor.mogrify(sql, params).decode()
            c.cursor.copy_expert(f"COPY ({inner}) TO STDOUT WITH CSV HEADER", sink)

    pairs = [(timed(ours), timed(copy)) for _ in range(runs)]
    out["export_csv"] = tuple(statistics.median(p[i] for p in pairs) for i in (0, 1))
    out["xlsx export of the same"] = timed(
        lambda: b"".join(exports.xlsx_response(user, rows, "bench").streaming_content)
    )


# --- the table ----------------------------------------------------------------------------


def ms(seconds):
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="")
    parser.add_argument("--runs", type=int, default=20, help="samples per list")
    parser.add_argument("--save", help="write the figures to this JSON file")
    parser.add_argument("--compare", help="figures of a smaller size (JSON) for the lists")
    parser.add_argument(
        "--only", help="comma-separated: sweep,lists,scoring,page,dashboard,exports"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run this against PostgreSQL (set DATABASE_URL)")
    only = set(args.only.split(",")) if args.only else None
    who = people()
    out: dict = {}
    if not only or "sweep" in only:
        bench_sweep(out, 5)
    if not only or "scoring" in only:
        bench_scoring(out, 3)
    if not only or "lists" in only:
        bench_lists(out, who, args.runs)
    if not only or "page" in only:
        bench_ticket_page(out, who, 10)
    if not only or "dashboard" in only:
        bench_dashboard(out, who, args.runs)
    if not only or "exports" in only:
        bench_exports(out, who, 3)
    small = json.loads(Path(args.compare).read_text()) if args.compare else {}
    tickets = Ticket.objects.count()
    events = TicketEvent.objects.count()
    open_ = Ticket.objects.filter(status__in=["dispatched", "signed", "in_progress"]).count()
    print(f"\n{args.label}: {tickets:,} tickets, {events:,} events, {open_:,} open\n")
    print("| what | this size | floor / smaller size | ratio |")
    print("|---|---|---|---|")
    pairs = {
        "sweep_idle": "deadline sweep, nothing due | {} | set-based {}",
        "sweep_10k": "sweep, 10 k breaches | {} | set-based {}",
        "scoring": "monthly scoring, latest month | {} | grouped SQL {}",
        "export_csv": "csv export of a district's month | {} | COPY of its columns {}",
    }
    for key, fmt in pairs.items():
        if key in out:
            a, b = out[key]
            print(f"| {fmt.format(ms(a), ms(b))} | {a / b:.2f}× |")
    for key, value in out.items():
        if key in pairs:
            continue
        if isinstance(value, str | int):
            print(
                f"| {key} | {value:,} | | |"
                if isinstance(value, int)
                else f"| {key} | {value} | | |"
            )
            continue
        before = small.get(key)
        kind = "" if key.endswith("(median)") or key.startswith("xlsx") else ", p95"
        if isinstance(before, float):
            print(f"| {key}{kind} | {ms(value)} | {ms(before)} | {value / before:.2f}× |")
        else:
            print(f"| {key}{kind} | {ms(value)} | | |")
    if args.save:
        Path(args.save).write_text(
            json.dumps({k: v for k, v in out.items() if isinstance(v, float)}, indent=1)
        )


if __name__ == "__main__":
    main()
