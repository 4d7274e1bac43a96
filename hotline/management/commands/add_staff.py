from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hotline.models import Role
from hotline.roles import StaffRow, save_staff, validate_row


class Command(BaseCommand):
    help = "Add (or update) one person: add_staff USERNAME --role ROLE --unit CODE [--password P]"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--unit", required=True, help="unit code")
        parser.add_argument("--password", default="")
        parser.add_argument("--name", default="")

    def handle(self, username, role, unit, password, name, **options):
        row = StaffRow(username=username, role=role, unit_code=unit, password=password, name=name)
        try:
            found = validate_row(row)
        except ValidationError as e:
            raise CommandError("; ".join(e.messages)) from e
        user, created = save_staff(row, found)
        verb = "created" if created else "updated"
        self.stdout.write(f"{verb} {user.username}: {role} @ {found.code} {found.name}")
