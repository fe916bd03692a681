"""Production settings refuse to start without their secrets, naming what is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "DJANGO_SECRET_KEY": "k" * 60,
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/mobile_members",
    "DJANGO_ALLOWED_HOSTS": "party.example.cn",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def load_production(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in GOOD and not k.startswith("DJANGO")}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_load_with_every_secret():
    result = load_production(GOOD)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", sorted(GOOD))
def test_production_settings_refuse_to_start_without(missing):
    env = {k: v for k, v in GOOD.items() if k != missing}
    result = load_production(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_settings_refuse_a_weak_secret_key():
    result = load_production({**GOOD, "DJANGO_SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
