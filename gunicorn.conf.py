"""gunicorn settings for the `web` process, every knob from the environment (Procfile, docker-compose).

Heroku sets PORT and WEB_CONCURRENCY (from the dyno size); the rest have defaults that suit a
small dyno. The access log names the request id the app put on the response.
"""

import os


def _int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


# All interfaces: the dyno or container is the boundary; the platform routes only PORT to it.
bind = f"{os.environ.get('GUNICORN_BIND_HOST', '0.0.0.0')}:{_int('PORT', 8000)}"  # nosec B104
workers = _int("WEB_CONCURRENCY", 2)
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread" if threads > 1 else "sync"
# Heroku's router gives up after 30 s; answer (or die) before it does.
timeout = _int("GUNICORN_TIMEOUT", 25)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then, so a slow leak never becomes an outage.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() == "true"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The longest request line (method, URL, version) in bytes: gunicorn's own default, stated because the
# OpenAPI schema documents the 414 gunicorn answers above it (core/schema.py, URL_MAX_BYTES).
limit_request_line = 4094
