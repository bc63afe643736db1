import pytest

from knotwork.core.env import ConfigurationError, env_bool, env_int, env_list, env_str


def test_env_bool_reads_the_usual_spellings():
    assert env_bool("X", False, {"X": "Yes"}) is True
    assert env_bool("X", True, {"X": "off"}) is False
    assert env_bool("X", True, {}) is True


def test_env_bool_refuses_anything_else():
    with pytest.raises(ConfigurationError, match="X must be true or false"):
        env_bool("X", False, {"X": "maybe"})


def test_env_int_checks_the_minimum_and_the_number():
    assert env_int("N", 5, environ={"N": "12"}) == 12
    assert env_int("N", 5, environ={"N": ""}) == 5
    with pytest.raises(ConfigurationError, match="whole number"):
        env_int("N", 5, environ={"N": "ten"})
    with pytest.raises(ConfigurationError, match="at least 300"):
        env_int("N", 5, minimum=300, environ={"N": "10"})


def test_env_list_and_str_trim():
    assert env_list("H", {"H": " a.example, b.example ,,"}) == ["a.example", "b.example"]
    assert env_str("S", "d", {"S": "  v "}) == "v"


def test_production_start_up_refuses_a_missing_secret_key(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env["KNOTWORK_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", "import knotwork.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
