"""The pipeline's steps off the request path: Celery on Redis in production, a process pool by default.

Both modes call the same step functions (intake.pipeline) through `workers.steps`, so a page read by a Celery
worker and a page read by the embedded pool end up the same in the database.
"""
