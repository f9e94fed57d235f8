from django.core.management.base import BaseCommand, CommandError

from api.models import ApiKey
from api.services import balance, grant_credits


class Command(BaseCommand):
    help = "Add credits to the API key whose visible prefix starts with --prefix (negative corrects)."

    def add_arguments(self, parser):
        parser.add_argument("--prefix", required=True)
        parser.add_argument("--credits", type=int, required=True)
        parser.add_argument("--note", default="granted by grant_api_credits")

    def handle(self, *args, prefix, credits, note, **options):
        keys = list(ApiKey.objects.filter(prefix__startswith=prefix))
        if not keys:
            raise CommandError(f"no API key has the prefix {prefix!r}")
        if len(keys) > 1:
            raise CommandError(f"{len(keys)} keys have the prefix {prefix!r}; give more characters")
        grant_credits(keys[0], credits, note)
        self.stdout.write(f"{keys[0].prefix}: balance {balance(keys[0])}")
