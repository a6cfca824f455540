"""The programmes the platform ships configured with the default figures of the programmes it was
made for (Kafaalat, Emergency Cash, education stipends, Nashonuma, undergraduate scholarships), loaded
by migrations and then staff's to change. Loading never overwrites a programme that exists."""

import json
from datetime import date
from pathlib import Path

SHIPPED_FILE = Path(__file__).resolve().parent / "data" / "programmes.json"


def shipped_programmes() -> list[dict]:
    return json.loads(SHIPPED_FILE.read_text(encoding="utf-8"))


def shipped_programmes_load(programme_model, benefit_model, condition_model, *, codes=None) -> int:
    """Create each shipped programme that does not exist yet (models passed in, so that a migration
    can give its historical ones; `codes` limits it to those programmes); return how many were created.
    A programme naming a field the model does not have yet is left to the later migration that adds
    the field and loads it."""
    created = 0
    known = {field.name for field in programme_model._meta.get_fields()}
    for spec in shipped_programmes():
        if codes is not None and spec["code"] not in codes:
            continue
        fields = {k: v for k, v in spec.items() if k not in ("benefits", "conditions", "starts_on")}
        if not fields.keys() <= known or programme_model.objects.filter(code=spec["code"]).exists():
            continue
        programme = programme_model.objects.create(**fields, starts_on=date.fromisoformat(spec["starts_on"]))
        benefit_model.objects.bulk_create(
            benefit_model(programme=programme, order=order, **line)
            for order, line in enumerate(spec["benefits"], start=1)
        )
        condition_model.objects.bulk_create(
            condition_model(programme=programme, **rule) for rule in spec["conditions"]
        )
        created += 1
    return created
