"""Outbound messages: the one service through which every part of the platform tells people something by
SMS, in their language, from templates managed in the browser, through a gateway adapter."""
