"""Ambient noise beds (pink or brown), generated block by block.

Every generator keeps its state between calls (the Voss-McCartney rows, the
filter memories, the random stream), so a stream rendered in blocks of any
size is the same stream as one rendered in a single call: there are no seams.

Recursive filters are run with numpy alone: a one-pole filter
``y[n] = a y[n-1] + g x[n]`` is, within a block, ``a**n`` times a running sum
of ``g x[k] / a**k``, one cumulative sum instead of a Python loop per sample.
Each cumulative sum runs over a stretch short enough that ``a**-n`` stays far
from overflowing; longer blocks are cut into such stretches, side by side.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

MAX_BLOCK = 4096  # samples per cumulative sum, at most
BED_CHUNK = 16384  # the bed is made this many (full-rate) samples at a time
COLOURS = ("pink", "brown")

# Voss-McCartney: row k is redrawn every 2**(k+1) samples, at the samples whose
# count has exactly k trailing zero bits, so exactly one row changes per sample.
PINK_ROWS = 16  # the slowest row changes every 1.5 s: pink down to below 1 Hz
_ROW_MASK = (1 << PINK_ROWS) - 1
_ROW_OF = np.full(1 << PINK_ROWS, PINK_ROWS, dtype=np.intp)  # PINK_ROWS: none changes
for _row in range(PINK_ROWS - 1, -1, -1):
    _ROW_OF[1 << _row :: 2 << _row] = _row
_ROW_PERIOD = np.append(2 << np.arange(PINK_ROWS), 1 << 62)  # samples between redraws
_ROW_PHASE = 1 << np.arange(PINK_ROWS)  # first sample at which each row is redrawn

BROWN_LEAK_HZ = 8.0  # the integrator forgets below this, so it cannot wander off
DC_BLOCK_HZ = 4.0  # and what is left below a few hertz is taken out
BED_CUTOFF_HZ = 800.0  # two one-pole lowpasses: soft, no hiss
BED_DECIMATION = 4  # the bed is made at this fraction of the sample rate
# RMS of each colour after the lowpass, for the default sample rate (measured
# over minutes of several seeds); the bed divides by it so both colours come out at unit RMS.
BED_RMS = {"pink": 2.15, "brown": 4.9}
# The bed is soft-limited at BED_CREST times its RMS: untouched below BED_KNEE,
# rounded off above, so its peak is bounded by construction.
BED_KNEE = 3.0
BED_CREST = 4.0


def pole_for(cutoff_hz: float, sample_rate: float) -> float:
    """Pole of a one-pole filter whose corner is at `cutoff_hz`."""
    return math.exp(-2.0 * math.pi * cutoff_hz / sample_rate)


class OnePole:
    """``y[n] = pole * y[n-1] + gain * x[n]`` with its state carried across blocks."""

    def __init__(self, pole: float, gain: float = 1.0) -> None:
        if not 0.0 < abs(pole) < 1.0:
            raise ValueError(f"pole {pole} would not be stable")
        # The longest stretch whose 1 / a**k stays far from overflowing
        # (1e260); longer blocks are cut into rows of it, filtered side by
        # side, and each row then takes in the state left by the row before.
        self._span = max(1, min(MAX_BLOCK, int(600.0 / -math.log(abs(pole)))))
        n = np.arange(self._span, dtype=np.float64)
        self._rise = gain * pole**-n  # gain / a**k
        self._fall = pole**n  # a**n
        self._carry = pole ** (n + 1.0)  # a**(n+1): what the state still adds
        self.state = 0.0

    def process(self, x: FloatArray) -> FloatArray:
        n = len(x)
        if n == 0:
            return np.zeros(0)
        span = self._span
        if n <= span:
            y = np.cumsum(x * self._rise[:n])
            y *= self._fall[:n]
            y += self.state * self._carry[:n]
            self.state = float(y[-1])
            return y
        rows = -(-n // span)
        padded = np.zeros(rows * span)
        padded[:n] = x
        grid = padded.reshape(rows, span)
        grid *= self._rise
        np.cumsum(grid, axis=1, out=grid)
        grid *= self._fall
        # What each row inherits: the true last sample of the row before.
        carried = [self.state]
        reach = float(self._carry[-1])  # a**span
        for last in grid[:-1, -1].tolist():
            carried.append(last + reach * carried[-1])
        grid += np.asarray(carried)[:, None] * self._carry
        y = padded[:n]
        self.state = float(y[-1])
        return y


class PinkNoise:
    """Voss-McCartney pink noise (-3 dB per octave): the sum of `PINK_ROWS`
    held random values, row k redrawn every 2**(k+1) samples, plus a fresh
    white value every sample."""

    def __init__(self, rng: np.random.Generator) -> None:
        # One stream for the rows and one for the white part, each drawn in
        # order: the noise is the same whatever the block sizes.
        self._fresh, self._white = rng.spawn(2)
        self._rows = rng.uniform(-1.0, 1.0, PINK_ROWS)  # start as if long running
        self._count = 0  # samples generated so far

    def render(self, frames: int) -> FloatArray:
        if frames <= 0:
            return np.zeros(0)
        first = self._count
        index = np.arange(frames)
        row = _ROW_OF[(index + first) & _ROW_MASK]
        fresh = self._fresh.uniform(-1.0, 1.0, frames)
        # Each sample redraws one row: the sum moves by the new value minus the
        # one that row held, drawn one period earlier in this block...
        step = fresh - fresh.take(index - _ROW_PERIOD[row], mode="clip")
        # ...or, for each row's first redraw here, carried in from the last block.
        first_redraw = (_ROW_PHASE - first) % _ROW_PERIOD[:PINK_ROWS]
        inside = first_redraw < frames
        step[first_redraw[inside]] = fresh[first_redraw[inside]] - self._rows[inside]
        # Every 2**PINK_ROWS samples no row is redrawn.
        for i in range((-first) & _ROW_MASK, frames, 1 << PINK_ROWS):
            step[i] = 0.0
        total = np.cumsum(step)
        total += self._rows.sum()
        total += self._white.uniform(-1.0, 1.0, frames)
        # Carry each row's latest value (and resum exactly next time).
        end = first + frames - 1
        last = frames - 1 - (end - _ROW_PHASE) % _ROW_PERIOD[:PINK_ROWS]
        redrawn = last >= 0
        self._rows[redrawn] = fresh[last[redrawn]]
        self._count += frames
        return total


class BrownNoise:
    """Brown noise (-6 dB per octave): white noise through a leaky integrator,
    then a DC blocker so the slow wander below a few hertz never eats headroom."""

    def __init__(self, rng: np.random.Generator, sample_rate: float) -> None:
        self._rng = rng
        self._integrator = OnePole(pole_for(BROWN_LEAK_HZ, sample_rate))
        self._blocker = OnePole(pole_for(DC_BLOCK_HZ, sample_rate))
        self._previous = 0.0

    def render(self, frames: int) -> FloatArray:
        if frames <= 0:
            return np.zeros(0)
        walk = self._integrator.process(self._rng.uniform(-1.0, 1.0, frames))
        change = np.diff(walk, prepend=self._previous)
        self._previous = float(walk[-1])
        return self._blocker.process(change)


class NoiseBed:
    """A soft bed of pink or brown noise at unit RMS, peaks bounded by `BED_CREST`.

    A bed has nothing above a couple of kilohertz, so the noise is made at a
    quarter of the sample rate (a quarter of the work), lowpassed there (two
    one-poles at `BED_CUTOFF_HZ`), brought up to the full rate by linear
    interpolation (whose faint images lie far above the cutoff), scaled to
    unit RMS and soft-limited above `BED_KNEE`. It is made in `BED_CHUNK`
    chunks, whatever size the caller reads, so reading is one slice.
    """

    def __init__(self, colour: str, sample_rate: int, seed: int | None = None) -> None:
        if colour not in COLOURS:
            raise ValueError(f"unknown noise colour {colour!r} (one of {', '.join(COLOURS)})")
        rng = np.random.default_rng(seed)
        rate = sample_rate / BED_DECIMATION
        self.colour = colour
        self.source: PinkNoise | BrownNoise = (
            PinkNoise(rng) if colour == "pink" else BrownNoise(rng, rate)
        )
        lowpass = pole_for(BED_CUTOFF_HZ, rate)
        scale = 1.0 / BED_RMS[colour]
        self._lowpass = (OnePole(lowpass, 1.0 - lowpass), OnePole(lowpass, (1.0 - lowpass) * scale))
        # Where each full-rate sample lies between two low-rate ones.
        self._between = np.tile(
            np.arange(1, BED_DECIMATION + 1) / BED_DECIMATION, BED_CHUNK // BED_DECIMATION
        )
        self._last = 0.0  # the last low-rate sample, where the next chunk's line starts
        self._buffer = np.zeros(0)
        self._read = 0

    def read(self, frames: int) -> FloatArray:
        """The next `frames` samples (a view: do not write into it)."""
        if self._read + frames > len(self._buffer):
            left = self._buffer[self._read :]
            chunks = -(-(frames - len(left)) // BED_CHUNK)
            self._buffer = np.concatenate([left, *(self._chunk() for _ in range(chunks))])
            self._read = 0
        block = self._buffer[self._read : self._read + frames]
        self._read += frames
        return block

    def _chunk(self) -> FloatArray:
        first, second = self._lowpass
        low = second.process(first.process(self.source.render(BED_CHUNK // BED_DECIMATION)))
        # Soft-limited before the interpolation, which never overshoots its ends.
        soft_limit(low, BED_KNEE, BED_CREST)
        # Straight lines from each low-rate sample to the next (one sample late).
        before = np.concatenate(([self._last], low[:-1]))
        self._last = float(low[-1])
        low -= before
        bed = low.repeat(BED_DECIMATION)
        bed *= self._between
        bed += before.repeat(BED_DECIMATION)
        return bed


def soft_limit(x: FloatArray, knee: float, ceiling: float) -> FloatArray:
    """Leave |x| <= knee alone and round larger values off towards `ceiling`
    (tanh, so slope and value are continuous at the knee); in place."""
    over = np.flatnonzero(np.abs(x) > knee)
    if len(over):
        room = ceiling - knee
        values = x[over]
        x[over] = np.sign(values) * (knee + room * np.tanh((np.abs(values) - knee) / room))
    return x
