"""The morning check-in (sleep diary): offered once a morning, open for any past night."""
