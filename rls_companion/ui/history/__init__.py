"""The History room: streak header, charts, calendar, session list, export, delete and undo."""
