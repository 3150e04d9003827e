"""Running the jobs: in one process (embedded scheduler) or on Celery workers (scale-out)."""
