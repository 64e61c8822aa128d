"""Procfile, gunicorn config, Dockerfile and docker-compose.yml agree with each other and with the settings."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[3]


def procfile():
    lines = (REPO / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


def gunicorn_config(monkeypatch, **env):
    for key in ("PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(REPO / "gunicorn.conf.py"))


def test_procfile_declares_release_migrations_web_and_worker():
    processes = procfile()
    assert processes["release"] == "python manage.py migrate --noinput"
    assert processes["web"].startswith("gunicorn --config gunicorn.conf.py codevance_api.wsgi")
    assert processes["worker"].startswith("env REMAP_SIGTERM=SIGQUIT celery -A codevance_api worker")
    assert processes["beat"].startswith("celery -A codevance_api beat")


def test_gunicorn_takes_workers_threads_and_timeouts_from_the_environment(monkeypatch):
    config = gunicorn_config(
        monkeypatch, PORT="5123", WEB_CONCURRENCY="3", GUNICORN_THREADS="8", GUNICORN_TIMEOUT="12"
    )
    assert config["bind"] == "0.0.0.0:5123"
    assert (config["workers"], config["threads"], config["timeout"]) == (3, 8, 12)
    assert config["worker_class"] == "gthread"


def test_gunicorn_defaults_fit_under_the_routers_30_second_limit(monkeypatch):
    config = gunicorn_config(monkeypatch)
    assert config["bind"] == "0.0.0.0:8000"
    assert config["timeout"] < 30
    assert "x-request-id" in config["access_log_format"]


def test_gunicorn_loads_the_app_with_its_config():
    env = {**os.environ, "LOG_LEVEL": "ERROR"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "--check-config", "--config", "gunicorn.conf.py", "codevance_api.wsgi"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_brings_up_the_full_stack():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "rabbitmq", "redis", "web", "worker"} <= set(services)
    web, worker = services["web"], services["worker"]
    assert web["command"] == procfile()["web"].split()
    assert worker["command"][:4] == ["celery", "-A", "codevance_api", "worker"]
    assert web["image"] == worker["image"]
    env = web["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert "@rabbitmq:5672/" in env["CELERY_BROKER_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    assert worker["environment"]["DATABASE_URL"] == env["DATABASE_URL"]
    assert services["migrate"]["command"] == procfile()["release"].split()


def test_dockerfile_runs_the_same_web_command():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert 'CMD ["gunicorn", "--config", "gunicorn.conf.py", "codevance_api.wsgi"]' in dockerfile
    assert "pipenv sync" in dockerfile


def test_env_sample_lists_every_setting_the_code_reads():
    import re

    sample = (REPO / "contrib" / "env-sample").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", sample, flags=re.MULTILINE))
    read = set(re.findall(r'config\(\s*"([A-Z][A-Z0-9_]+)"', (REPO / "codevance_api" / "settings.py").read_text()))
    assert read - listed == set()


def test_env_sample_lists_every_variable_gunicorn_reads():
    import re

    sample = (REPO / "contrib" / "env-sample").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", sample, flags=re.MULTILINE))
    source = (REPO / "gunicorn.conf.py").read_text()
    read = set(re.findall(r"""(?:environ\.get|_int)\(\s*["']([A-Z][A-Z0-9_]+)["']""", source))
    assert read, "the pattern no longer finds gunicorn.conf.py's variables"
    assert read - listed == set()
