from django.core.management.base import BaseCommand, CommandError

from api.services import create_api_key


class Command(BaseCommand):
    help = "Create an API key with an optional credit grant; the key is printed once and never stored."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--credits", type=int, default=0)
        parser.add_argument("--rate-limit", type=float, default=None, help="requests/second (default: setting)")

    def handle(self, *args, name, credits, rate_limit, **options):
        if credits < 0:
            raise CommandError("--credits must be >= 0")
        key, raw = create_api_key(name, credits, rate_limit=rate_limit)
        self.stderr.write(f"Created key {key.prefix}… for {name!r} with {credits} credits. Store it now:")
        self.stdout.write(raw)
