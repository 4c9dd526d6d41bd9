"""One RQ worker for the load, behind the same network guard as the web workers.

``python -m bench.load.queue_worker django`` runs django-rq's ``rqworker`` on
the site's "default" queue with django-tasks-rq's job class; ``... flask``
runs ``rq worker`` on the Flask site's queue. Both use RQ's SimpleWorker,
which runs each job in the worker process itself: the default Worker forks a
child per job, whose memory the worker's VmHWM would not show (and the fork
costs more than a loopback verification).
"""

from __future__ import annotations

import os
import sys

from bench.load import netguard
from bench.load.processes import APPS

SIMPLE_WORKER = "rq.worker.SimpleWorker"


def main(app: str) -> None:
    netguard.install(os.path.join(os.environ["PINGCORE_LOAD_DIR"], "connections.log"))
    queue = APPS[app][3]
    if app == "django":
        from django.core.management import execute_from_command_line

        job_class = "django_tasks_rq.backend.Job"
        words = ["rqworker", queue, "--worker-class", SIMPLE_WORKER, "--job-class", job_class]
        execute_from_command_line(["django-admin", *words])
    else:
        from rq.cli import main as rq  # type: ignore[attr-defined]  # not in its __all__

        url = os.environ["PINGCORE_LOAD_REDIS_URL"]
        rq(["worker", "--url", url, "--worker-class", SIMPLE_WORKER, queue])


if __name__ == "__main__":
    main(sys.argv[1])
