"""The Tonight room: the start page that prepares a session, and the first-run welcome."""
