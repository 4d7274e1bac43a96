import logging
import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from hotline.knowledge.seeding import seed_starter_articles
from tickets import demo


class Command(BaseCommand):
    help = (
        "Demo users for every role (password demo12345) and months of realistic tickets "
        "written through the actions. Idempotent: existing demo tickets are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=12, help="months of history (12)")
        parser.add_argument(
            "--per-day", type=int, default=30, help="contacts a day in the detailed months (30)"
        )
        parser.add_argument(
            "--history-per-day",
            type=float,
            default=2.5,
            help="counted tickets a day before them (2.5, rising towards today)",
        )
        parser.add_argument(
            "--detailed-months",
            type=int,
            default=1,
            help="the most recent months with every kind of contact (1)",
        )
        parser.add_argument("--seed", type=int, default=42, help="random seed (42)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument(
            "--force", action="store_true", help="add tickets even if demo tickets exist"
        )
        parser.add_argument("--logins", action="store_true", help="only print the logins")
        parser.add_argument("--no-logins", action="store_true", help="do not print the logins")

    def handle(self, **opts):
        if opts["logins"]:
            self._print_logins(demo.login_rows())
            return
        demo.ensure_directory()
        rows = demo.ensure_users()
        # Knowledge base: the starter articles (demo content), before the demo's enquiries.
        self.stdout.write(f"knowledge articles added: {seed_starter_articles()}")
        if demo.demo_tickets_exist() and not opts["force"]:
            self.stdout.write("demo tickets already exist: skipped (use --force to add more)")
        else:
            self._generate(opts)
        if not opts["no_logins"]:
            self._print_logins(rows)

    def _generate(self, opts):
        started = time.monotonic()
        # One line redrawn in place on a terminal; nothing at all when piped or logged.
        bar = tqdm(
            total=0,
            unit="tickets",
            desc="seed_demo",
            disable=True if opts["quiet"] else None,
            file=self.stderr._out,
            mininterval=0.5,
            dynamic_ncols=True,
        )
        # Eager Celery logs every notification task it runs, and the log backend every text
        # to a caller (each is kept and shown on its ticket's page): too much for a seed run.
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        logging.getLogger("tickets.texts").setLevel(logging.WARNING)
        with bar:
            stats = demo.Demo(
                months=opts["months"],
                per_day=opts["per_day"],
                history_per_day=opts["history_per_day"],
                detailed_months=opts["detailed_months"],
                seed=opts["seed"],
                progress=bar,
            ).run()
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(stats.by_kind.items()))
        self.stdout.write(
            f"tickets: {stats.tickets} ({kinds}); supervision events: {stats.sweep_events}; "
            f"{time.monotonic() - started:.0f}s"
        )
        if stats.refused:
            self.stderr.write(f"steps refused: {stats.refused}, e.g. {stats.errors[:3]}")

    def _print_logins(self, rows):
        self.stdout.write("")
        self.stdout.write(f"{'username':<12} {'password':<10} {'role':<15} unit")
        for r in rows:
            self.stdout.write(
                f"{r['username']:<12} {r['password']:<10} {r['role']:<15} {r['unit']}"
            )
