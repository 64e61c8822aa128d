"""gunicorn settings for the benchmark, given explicitly so that the project's ./gunicorn.conf.py
(gthread workers, an access-log line per request, worker recycling every ~1,000 requests) is not
picked up: the issue's floor and reference figures are 2 plain sync workers, and a per-request log
line or a worker restart in the middle of a 10 s run would add the same cost to the floor and to
every endpoint, making the ratios look better than the application code is.
"""

worker_class = "sync"
accesslog = None
max_requests = 0
preload_app = False
