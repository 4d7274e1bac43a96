from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from hotline.models import User
from scoring import periods
from scoring.compute import compute_period, publish_period
from tickets.guards import Refused

STEPS = ["units", "callbacks", "volume", "previous", "ranks", "whistles", "saved"]


class Command(BaseCommand):
    help = "Compute a period's three rates and rankings (SPEC §9)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument(
            "--override-reason", default="", help="needed to recompute a published period"
        )
        parser.add_argument("--publish", action="store_true", help="publish (freeze) the result")
        parser.add_argument("--user", default="", help="username recorded as computing it")

    def handle(self, *args, period, override_reason, publish, user, **options):
        try:
            periods.parse_period(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"no user {user!r}")
        bar = tqdm(total=len(STEPS), desc=period, unit="step", disable=options["verbosity"] < 1)

        def progress(name):
            bar.set_postfix_str(name)
            bar.update(1)

        try:
            run = compute_period(
                period, actor=actor, override_reason=override_reason, progress=progress
            )
            if publish:
                publish_period(period, actor=actor)
        except Refused as exc:
            raise CommandError(exc.message) from exc
        finally:
            bar.close()
        count = run.scores.count()
        self.stdout.write(
            f"{period}: {count} units scored ({run.period_start:%Y-%m-%d %H:%M} – "
            f"{run.period_end:%Y-%m-%d %H:%M}){' · published' if publish else ''}"
        )
