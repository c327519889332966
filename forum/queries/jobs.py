"""Reading the job table for admins."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.functions import Count

from forum.models.jobs import Job, JobStatus

JOBS_SHOWN = 100


@dataclass(frozen=True)
class JobsOverview:
    counts: dict[str, int]  # per status
    waiting: list[Job]  # pending or running, soonest first
    failed: list[Job]  # newest first


async def jobs_overview() -> JobsOverview:
    rows = await Job.all().annotate(n=Count("id")).group_by("status").values("status", "n")
    counts = {status.value: 0 for status in JobStatus}
    counts.update({str(row["status"]): int(row["n"]) for row in rows})
    waiting = await Job.filter(status__in=[JobStatus.PENDING, JobStatus.RUNNING]).order_by(
        "run_after", "id").limit(JOBS_SHOWN)
    failed = await Job.filter(status=JobStatus.FAILED).order_by("-id").limit(JOBS_SHOWN)
    return JobsOverview(counts, list(waiting), list(failed))
