"""The ``knotwork`` command says plainly what is missing from its configuration."""

import os
import subprocess
import sys


def _knotwork(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "knotwork.cli", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_missing_secret_key_is_named_without_a_traceback():
    done = _knotwork("check")
    assert done.returncode == 1
    assert done.stderr.startswith("knotwork: SECRET_KEY is not set.")
    assert "Traceback" not in done.stderr


def test_with_its_settings_the_command_runs():
    done = _knotwork("check", SECRET_KEY="test-only", ALLOWED_HOSTS="localhost")
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout
