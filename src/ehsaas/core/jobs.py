"""The kinds of long job the platform runs, as each app declares them: a name people read, labels for
the figures a finished job reports, and where its downloadable report is (if it has one).

Core shows jobs without knowing the apps that start them: apps register their kinds when Django starts
(`AppConfig.ready`)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class JobKind:
    label: str
    result_labels: dict[str, str] = field(default_factory=dict)
    report_url_name: str | None = None  # a URL name taking the job's pk
    report_label: str = ""


JOB_KINDS: dict[str, JobKind] = {}


def register_job_kind(code: str, kind: JobKind) -> None:
    JOB_KINDS[code] = kind
