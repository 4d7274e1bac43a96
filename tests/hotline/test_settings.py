"""Settings come from the environment; without it, the embedded default."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.DATABASES['default']['ENGINE'], s.DATABASES['default'].get('NAME'), "
    "s.DATABASES['default'].get('CONN_MAX_AGE'), s.CELERY_BROKER_URL, "
    "s.CELERY_TASK_ALWAYS_EAGER, s.TIME_ZONE, s.LANGUAGE_CODE, [c for c, _ in s.LANGUAGES]]))"
)


def settings_with(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="hotline.settings")
    out = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env=clean,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_embedded_default_without_environment():
    engine, name, _, broker, eager, tz, lang, langs = settings_with()
    assert engine == "django.db.backends.sqlite3" and name.endswith("db.sqlite3")
    assert eager is True and broker == "memory://localhost/"
    assert tz == "Asia/Shanghai" and lang == "zh-hans" and "en" in langs


def test_database_url_and_redis_url_switch_to_the_real_services():
    engine, name, conn_max_age, broker, eager, *_ = settings_with(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/hotline",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    assert engine == "django.db.backends.postgresql" and name == "hotline"
    assert conn_max_age == 60
    assert broker == "redis://127.0.0.1:6379/3" and eager is False
