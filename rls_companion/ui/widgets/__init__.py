"""Pieces shared by several rooms: the rounded card, the rating row, the app icon."""
