"""The illustrative default model shipped with the platform: read from data/illustrative-model.json
(written by `ehsaas pmt fit-illustrative`) and made the active model by a migration, so that a new
installation scores households at once. It says everywhere it is shown that it is illustrative."""

import json

from django.utils import timezone

from ehsaas.targeting.fitting import ILLUSTRATIVE_FILE


def illustrative_model_load(pmt_model, pmt_weight) -> None:
    """Create and activate the illustrative model unless its version exists; `pmt_model` and
    `pmt_weight` are the model classes (from a migration's `apps`, or the real ones)."""
    document = json.loads(ILLUSTRATIVE_FILE.read_text(encoding="utf-8"))
    if pmt_model.objects.filter(version=document["version"]).exists():
        return
    now = timezone.now()
    becomes_active = not pmt_model.objects.filter(status="active").exists()
    model = pmt_model.objects.create(
        version=document["version"],
        name=document["name"],
        description=document["description"],
        status="active" if becomes_active else "approved",
        intercept=document["intercept"],
        scale_low=document["scale_low"],
        scale_high=document["scale_high"],
        reference_means=document["reference_means"],
        fit=document["fit"],
        is_illustrative=True,
        submitted_at=now,
        reviewed_at=now,
        review_note="Shipped with the platform.",
        activated_at=now if becomes_active else None,
    )
    pmt_weight.objects.bulk_create(
        pmt_weight(model=model, indicator=code, weight=weight) for code, weight in document["weights"].items()
    )
