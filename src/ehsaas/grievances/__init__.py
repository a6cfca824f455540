"""Grievance redress: complaints from every channel, followed by a tracking number, assigned, escalated on
their SLA, resolved with a reason and appealed once."""
