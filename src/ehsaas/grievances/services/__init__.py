"""Writes of complaints, by what is being done to one:

- `receiving`: a complaint from any channel (or a town-hall meeting's many at once) checked, given its
  tracking number and SLA due date, and routed to an officer;
- `handling`: taking it up, assigning it, changing its category, noting, resolving it with a reason,
  appealing once; and who may act on it (`may_act`, `supervises`);
- `escalation`: the SLA timer's warnings and escalations, set-based;
- `resurveys`: a household surveyed again because a complaint says the survey left it out.

Each checks who may act, refuses with a message saying what is wrong, writes a step of the complaint's
history and an audit event in the same transaction (`history`), and queues the SMS that tells the
complainant. The refusal they all raise is here, so that a caller catches one exception whichever
module refused."""

from django.core.exceptions import ValidationError


class ComplaintRefused(ValidationError):
    """A complaint or a step that cannot be taken, with what is wrong (by field when there are fields)."""
