"""The programmes' own outbox (Notice) gives way to the platform's (messaging.Message). Nothing was ever
sent from it: its waiting notices are copied into the platform's outbox, under the events the code now
names them by (programs/notices.py), to be sent as any other message; those without a mobile number
are not (the platform's outbox takes only Pakistani mobile numbers). Then the table and its
permissions go."""

import re

from django.db import migrations

TEMPLATE_OF_KIND = {
    "condition_suspended": "condition_suspended",
    "condition_resumed": "condition_resumed",
    "application_decided": "application_decided",
}


def mobile(raw: str) -> str | None:
    """923XXXXXXXXX for a Pakistani mobile number written any usual way, as the outbox stores it."""
    digits = re.sub(r"[\s\-+()]", "", raw or "")
    if digits.startswith("03"):
        digits = "92" + digits[1:]
    elif digits.startswith("0092"):
        digits = digits[2:]
    elif digits.startswith("3"):
        digits = "92" + digits
    return digits if re.fullmatch(r"923\d{9}", digits) else None


def notices_copy(apps, schema_editor):
    Notice = apps.get_model("programs", "Notice")
    Message = apps.get_model("messaging", "Message")
    ConditionOutcome = apps.get_model("programs", "ConditionOutcome")
    ApplicationStatusChange = apps.get_model("programs", "ApplicationStatusChange")
    waiting = list(
        Notice.objects.filter(status="pending")
        .order_by("created_at", "id")
        .values("key", "kind", "phone", "language", "text", "created_at")
    )
    ids = {"condition-outcome": [], "application-change": []}
    for notice in waiting:
        prefix, _, number = notice["key"].partition(":")
        if prefix in ids and number.isdigit():
            ids[prefix].append(int(number))
    events = {}
    outcomes = ConditionOutcome.objects.filter(pk__in=ids["condition-outcome"]).values_list(
        "pk", "action", "evaluation__quarter", "evaluation__programme__code"
    )
    for pk, action, quarter, code in outcomes:
        events[f"condition-outcome:{pk}"] = f"condition:{code}:{quarter}:{action}:{pk}"
    changes = ApplicationStatusChange.objects.filter(pk__in=ids["application-change"]).values_list(
        "pk", "application_id", "to_status"
    )
    for pk, application, status in changes:
        events[f"application-change:{pk}"] = f"application:APP-{application:06d}:{status}"
    messages = []
    for notice in waiting:
        phone = mobile(notice["phone"])
        if phone is None:
            continue
        messages.append(
            Message(
                event=events.get(notice["key"], notice["key"]), phone=phone,
                language="en" if notice["language"] == "en" else "ur",
                template=TEMPLATE_OF_KIND.get(notice["kind"], ""), text=notice["text"], status="queued",
                next_attempt_at=notice["created_at"], queued_at=notice["created_at"],
            )  # fmt: skip
        )
    Message.objects.bulk_create(messages, batch_size=5_000, ignore_conflicts=True)


def notice_permissions_remove(apps, schema_editor):
    """Roles were granted the right to read notices (programs 0005); with the table gone, that right
    names nothing. The outbox is read through messaging's permissions (messaging 0003)."""
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="programs", content_type__model="notice"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0008_message_templates"),
        ("messaging", "0004_queue_in_id_order"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [
        migrations.RunPython(notices_copy, migrations.RunPython.noop),
        migrations.RunPython(notice_permissions_remove, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notice"),
    ]
