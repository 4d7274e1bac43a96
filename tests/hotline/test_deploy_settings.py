"""Production settings: `check --deploy` is clean; no built-in secret key without DEBUG."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEY = "k7#Qz-production-like-secret-key-of-sixty-characters-0123456789"


def manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"SECRET_KEY", "DEBUG", "HTTPS_ONLY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="hotline.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_check_deploy_is_clean_with_production_like_settings():
    done = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="false", SECRET_KEY=KEY, ALLOWED_HOSTS="hotline.example.org",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_without_a_secret_key_and_debug_off_the_server_refuses_to_start():
    done = manage("check", DEBUG="false", ALLOWED_HOSTS="hotline.example.org")
    assert done.returncode != 0 and "SECRET_KEY must be set" in done.stderr


def test_the_demo_keeps_its_development_defaults():
    done = manage("check")
    assert done.returncode == 0, done.stderr


@pytest.mark.django_db
def test_https_only_redirects_pages_but_not_the_health_check(client, settings):
    # docker-compose's health check calls http://127.0.0.1:8000/healthz inside the container.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    page = client.get("/")
    assert page.status_code == 301 and page["Location"].startswith("https://")
