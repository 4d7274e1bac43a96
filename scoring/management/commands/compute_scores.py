from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from hotline.models import User
from scoring import periods
from scoring.compute import compute_period, latest_run, publish_period
from tickets.guards import Refused

STEPS = ["units", "callbacks", "volume", "previous", "ranks", "whistles", "saved"]


class Command(BaseCommand):
    help = "Compute a period's three rates and rankings (SPEC §9)."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--period", help="YYYY-MM")
        which.add_argument(
            "--recent",
            type=int,
            metavar="N",
            help="the current period and the N-1 before it; closed ones are published, "
            "already published ones are left as they are (used by scripts/demo)",
        )
        parser.add_argument(
            "--override-reason", default="", help="needed to recompute a published period"
        )
        parser.add_argument("--publish", action="store_true", help="publish (freeze) the result")
        parser.add_argument("--user", default="", help="username recorded as computing it")

    def handle(self, *args, period, recent, override_reason, publish, user, **options):
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"no user {user!r}")
        if recent:
            current = periods.period_of(timezone.now())
            for back in range(recent - 1, -1, -1):
                p = periods.shift(current, -back)
                if latest_run(p, published=True):
                    self.stdout.write(f"{p}: published already, left as it is")
                    continue
                self._compute(p, actor, "", publish and back > 0, options["verbosity"])
            return
        try:
            periods.parse_period(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self._compute(period, actor, override_reason, publish, options["verbosity"])

    def _compute(self, period, actor, override_reason, publish, verbosity):
        bar = tqdm(total=len(STEPS), desc=period, unit="step", disable=verbosity < 1)

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
