from django.core.management.base import BaseCommand

from hotline.seeding import seed_calendar, seed_categories, seed_units


class Command(BaseCommand):
    help = "Load Beijing's units, the category taxonomy and the working-day calendar (idempotent)."

    def handle(self, **options):
        units = seed_units()
        categories = seed_categories()
        days = seed_calendar()
        self.stdout.write(
            "units: {created} created, {updated} updated, {unchanged} unchanged".format(**units)
        )
        self.stdout.write(
            "categories: {created} created, {updated} updated, {unchanged} unchanged".format(
                **categories
            )
        )
        self.stdout.write(f"calendar: {days} days added")
