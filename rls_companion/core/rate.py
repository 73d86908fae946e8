"""The sample rate of every sound the app makes (kept apart from the sound
code, so the parts that only need the number do not load numpy)."""

SAMPLE_RATE = 44100
