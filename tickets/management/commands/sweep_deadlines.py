from django.core.management.base import BaseCommand

from tickets.sweep import sweep_deadlines


class Command(BaseCommand):
    help = "Flag tickets and report-ins past their deadlines (督办) and notify the units."

    def handle(self, **options):
        written = sweep_deadlines()
        self.stdout.write(f"supervision events written: {written}")
