"""DUAL_CONTROL_ABOVE is read from the environment once, at start-up (fresh processes, as settings are)."""

import os
import subprocess
import sys

import pytest

from codevance_api.core.tests.test_settings_profile import REPO, manage

PRINT = "import django; django.setup(); from django.conf import settings as s; print(repr(s.DUAL_CONTROL_ABOVE))"


def _read(value):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "codevance_api.settings", "LOG_LEVEL": "ERROR",
           "DUAL_CONTROL_ABOVE": value}
    result = subprocess.run([sys.executable, "-c", PRINT], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("value, read", [("", "None"), ("  ", "None"), ("1500.50", "Decimal('1500.50')")])
def test_the_four_eyes_threshold_is_an_amount_or_empty_for_off(value, read):
    assert _read(value) == read


@pytest.mark.parametrize("value, rule", [("lots", "an amount in R$"), ("-1", "zero or more"), ("NaN", "zero or more")])
def test_a_threshold_that_is_not_an_amount_refuses_to_start(value, rule):
    result = manage("check", env={"DUAL_CONTROL_ABOVE": value})
    assert result.returncode != 0
    last_line = result.stderr.splitlines()[-1]
    assert "DUAL_CONTROL_ABOVE" in last_line and rule in last_line
