"""What an operator watches of jobs and vendor calls."""

from __future__ import annotations

from typing import Protocol

from adforge.domain.status import JobStatus


class JobMetrics(Protocol):
    """What an operator watches of jobs and vendor calls (CloudWatch EMF when deployed; services/observed_jobs.py
    derives every job figure from the job record, vendors/http.py reports each vendor call)."""

    def job_counted(self, status: JobStatus, vendor: str, kind: str) -> None:
        """One job created (`queued`) or ended (`completed`, `failed`, `cancelled`, `timed_out`)."""

    def job_latency(self, vendor: str, kind: str, seconds: float) -> None:
        """From a job's creation to its end."""

    def vendor_render_latency(self, vendor: str, kind: str, seconds: float) -> None:
        """From the vendor's acceptance of a job to its final update (done or failed)."""

    def polls_per_job(self, vendor: str, kind: str, polls: int) -> None:
        """The answered status calls an ended job took (`Job.polls`)."""

    def job_cost(self, vendor: str, kind: str, usd: float) -> None:
        """What a completed job's outputs cost at the vendor's price per output."""

    def vendor_call(self, vendor: str, outcome: str) -> None:
        """One HTTP call to a vendor and how it went: `ok`, `4xx`, `429`, `5xx` or `timeout`."""
