"""How far a background job has got, keyed by its django-tasks result id."""

from django.db import models


class JobProgress(models.Model):
    task_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100)
    started_by = models.BigIntegerField(null=True)
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(null=True)
    message = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} {self.done}/{self.total or '?'}"

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))
