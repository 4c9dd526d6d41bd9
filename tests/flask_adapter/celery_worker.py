"""The Celery app a queue test's worker runs: ``celery -A flask_adapter.celery_worker worker``.

Registering the hand-off on it is what registers ``flask_pingback.run_job_data``.
"""

import os

from celery import Celery

from flask_pingback.queues import celery_queue

redis_url = os.environ["PINGCORE_REDIS_URL"]
app = Celery("queue_tests", broker=redis_url, backend=redis_url)
celery_queue(app)
