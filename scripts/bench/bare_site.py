"""Settings of the intake benchmark: the project's, with one bare DRF endpoint added.

Used only by scripts/bench/intake.py (DJANGO_SETTINGS_MODULE=scripts.bench.bare_site).
"""

from hotline.settings import *  # noqa: F403 - the project's settings, two lines changed

ROOT_URLCONF = "scripts.bench.bare_urls"
ALLOWED_HOSTS = ["127.0.0.1"]
