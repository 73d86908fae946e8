"""The window's frame: the main window with its page navigation, the tray and the reminder."""
