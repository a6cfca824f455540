"""Starting an import from the browser: the uploaded files are kept on disk for the worker, and a Job
follows the work."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from ehsaas.core.models import Job
from ehsaas.core.services import audit_record, job_create
from ehsaas.registry.tasks.imports import import_registry

IMPORT_FOLDER = "imports"
JOB_KIND = "registry.import"


def _store(upload: UploadedFile, folder: Path, name: str) -> str:
    target = folder / name
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return name


@transaction.atomic
def registry_import_start(*, acting_user, households: UploadedFile, members: UploadedFile | None) -> Job:
    """Save the files and queue the import. The task is enqueued once the Job row is committed, so the
    worker never looks for a job that does not exist yet."""
    if not acting_user.has_perm("registry.import_registry"):
        raise PermissionDenied
    folder = Path(settings.MEDIA_ROOT) / IMPORT_FOLDER / uuid.uuid4().hex
    folder.mkdir(parents=True)
    suffix = Path(households.name).suffix.lower() or ".csv"
    params = {
        "folder": str(folder),
        "households": _store(households, folder, f"households{suffix}"),
        "members": _store(members, folder, "members" + (Path(members.name).suffix.lower() or ".csv"))
        if members
        else "",
        "uploaded": [households.name, *([members.name] if members else [])],
        "source": "browser",
    }
    job = job_create(
        kind=JOB_KIND, acting_user=acting_user, params=params, message=_("Waiting for the worker")
    )
    audit_record(
        actor=acting_user,
        action="registry.import_started",
        subject=job,
        summary=f"Import of {', '.join(params['uploaded'])} queued",
    )
    transaction.on_commit(lambda: import_registry.enqueue(job.pk))
    return job
