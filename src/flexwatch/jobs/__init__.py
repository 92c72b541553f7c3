"""Background jobs: progress that pages can show while django-tasks runs the work."""
