"""The Settings room: every setting of the schema as a form."""
