"""Progress of long work, reported to a Job row (for the browser) and/or a terminal progress bar.

Services that run for a long time take a `Progress` and call `start`/`advance`; they neither know nor
care who is watching. The Job row is written at most a few times a second, outside the work's own
transactions, so that a reader sees it move.
"""

import time

from tqdm import tqdm

from ehsaas.core.models import Job
from ehsaas.core.services import job_progress, job_start


class Progress:
    def __init__(
        self, *, job: Job | None = None, bar: bool = False, unit: str = "rows", min_interval: float = 0.5
    ):
        self.job = job
        self.unit = unit
        self.done = 0
        self.total = 0
        self._bar_wanted = bar
        self._bar: tqdm | None = None
        self._min_interval = min_interval
        self._last_write = 0.0

    def start(self, total: int, message: str = "", *, unit: str | None = None) -> None:
        """Begin (or, for work in phases, begin the next phase): the count starts again at 0."""
        self.close()
        self.unit = unit or self.unit
        self.total, self.done = total, 0
        if self.job is not None:
            job_start(job=self.job, total=total, message=message)
        if self._bar_wanted:
            self._bar = tqdm(total=total, unit=f" {self.unit}", desc=message or None, dynamic_ncols=True)

    def advance(self, amount: int, message: str | None = None) -> None:
        self.done += amount
        if self._bar is not None:
            self._bar.update(amount)
        now = time.monotonic()
        if self.job is not None and (now - self._last_write >= self._min_interval or self.done >= self.total):
            job_progress(job=self.job, done=self.done, message=message)
            self._last_write = now

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class NoProgress(Progress):
    """For callers (tests, small runs) that watch nothing."""

    def __init__(self) -> None:
        super().__init__()
