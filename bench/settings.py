"""The production settings plus, for the benchmark only, the floor view's URL and a private queue.

Nothing here changes how the service behaves: the same middleware, authentication, renderer,
database settings and Celery publishing as in production. Production never loads this module.
"""

from decouple import config

from codevance_api.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
# Emails are published to the real broker, on a queue of this run's own that is deleted afterwards.
CELERY_TASK_DEFAULT_QUEUE = config("BENCH_CELERY_QUEUE", default="codevance_bench")
