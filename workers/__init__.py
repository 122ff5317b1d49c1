"""Where the lifecycle's steps run, off the request path: Celery on Redis in production, a process pool by
default. Runners only: the embedded pool (embedded.py), the Celery app built on demand (app.py) and its thin
tasks (tasks.py), and submitting to the broker (submit.py).

Both modes call the same lifecycle functions (intake.lifecycle.reading / finishing / recovery / scheduled), so
a page read by a Celery worker and a page read by the embedded pool end up the same in the database.
"""
