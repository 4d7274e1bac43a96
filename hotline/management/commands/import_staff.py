from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hotline.roles import import_staff_csv


class Command(BaseCommand):
    help = (
        "Import people from a CSV with columns username,role,unit[,password,name]. "
        "All rows or none: every bad row is reported with its line number."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **options):
        try:
            count = import_staff_csv(file)
        except ValidationError as e:
            raise CommandError("nothing imported:\n" + "\n".join(e.messages)) from e
        except OSError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"imported {count} people")
