"""The session room: the running session's controllers (timing, sound, guidance, urge)
and its page."""
