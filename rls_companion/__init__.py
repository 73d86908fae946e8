"""RLS Companion: a calm bedtime breathing and relaxation companion."""

__version__ = "0.1.0"
