"""Community feedback: feedback sessions and town-hall meetings, community advisory boards, and
satisfaction surveys of beneficiaries, with their reports."""
