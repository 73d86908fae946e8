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
PINK_ROWS = 16  # the slowest row is redrawn every 2**17 samples: pink down to a few hertz
_ROW_MASK = (1 << PINK_ROWS) - 1
_ROW_OF = np.full(1 << PINK_ROWS, PINK_ROWS, dtype=np.int8)  # PINK_ROWS: none changes
for _row in range(PINK_ROWS - 1, -1, -1):
    _ROW_OF[1 << _row :: 2 << _row] = _row
_ROW_PERIOD = np.append(2 << np.arange(PINK_ROWS), 1 << 62)  # samples between redraws
_ROW_PHASE = 1 << np.arange(PINK_ROWS)  # first sample at which each row is redrawn

BROWN_LEAK_HZ = 8.0  # the integrator forgets below this, so it cannot wander off
DC_BLOCK_HZ = 4.0  # and what is left below a few hertz is taken out
BED_CUTOFF_HZ = 800.0  # two one-pole lowpasses: soft, no hiss
BED_HIGHPASS_HZ = 30.0  # and little rumble below hearing, which would only take headroom
BED_DECIMATION = 4  # the bed is made at this fraction of the sample rate
# RMS of each colour after the bed's filters at the default sample rate
# (measured over minutes of several seeds): dividing by it brings both to unit RMS.
BED_RMS = {"pink": 0.76, "brown": 2.71}
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
            y = np.add.accumulate(x * self._rise[:n])
            y *= self._fall[:n]
            y += self.state * self._carry[:n]
            self.state = float(y[-1])
            return y
        rows = -(-n // span)
        width = -(-n // rows)  # rows as even as can be: often no padding at all
        if rows * width == n:
            grid = x.reshape(rows, width) * self._rise[:width]
        else:
            grid = np.zeros((rows, width))
            grid.reshape(-1)[:n] = x
            grid *= self._rise[:width]
        np.add.accumulate(grid, axis=1, out=grid)
        grid *= self._fall[:width]
        # What each row inherits: the true last sample of the row before.
        carried = [self.state]
        reach = float(self._carry[width - 1])  # a**width
        for last in grid[:-1, -1].tolist():
            carried.append(last + reach * carried[-1])
        grid += np.asarray(carried)[:, None] * self._carry[:width]
        y = grid.reshape(-1)[:n]
        self.state = float(y[-1])
        return y


class HighPass:
    """A DC blocker, ``y[n] = x[n] - x[n-1] + a y[n-1]``: flat above `cutoff_hz`."""

    def __init__(self, cutoff_hz: float, sample_rate: float) -> None:
        self._pole = OnePole(pole_for(cutoff_hz, sample_rate))
        self._previous = 0.0

    def process(self, x: FloatArray) -> FloatArray:
        if len(x) == 0:
            return np.zeros(0)
        change = np.empty(len(x))
        change[0] = x[0] - self._previous
        np.subtract(x[1:], x[:-1], out=change[1:])
        self._previous = float(x[-1])
        return self._pole.process(change)


class PinkNoise:
    """Voss-McCartney pink noise (-3 dB per octave): the sum of `rows` held
    random values in [-0.5, 0.5), row k redrawn every 2**(k+1) samples, plus a
    fresh white value every sample. Below the slowest row's rate the spectrum
    levels off.
    """

    def __init__(self, rng: np.random.Generator, rows: int = PINK_ROWS) -> None:
        if not 1 <= rows <= PINK_ROWS:
            raise ValueError(f"pink noise takes 1 to {PINK_ROWS} rows, not {rows}")
        # One stream for the rows and one for the white part, each drawn in
        # order: the noise is the same whatever the block sizes. Values are
        # drawn in [0, 1) and the offset of a half is taken off the sum.
        self._fresh, self._white = rng.spawn(2)
        self._rows = rng.random(rows)  # start as if long running
        self._offset = 0.5 * (rows + 1)
        self._row_of = np.minimum(_ROW_OF, rows)  # `rows`: none is redrawn
        self._period = np.append(_ROW_PERIOD[:rows], 1 << 62)
        self._phase = _ROW_PHASE[:rows]
        self._count = 0  # samples generated so far
        # Which sample each sample's row was last drawn at, by block position.
        self._plans: dict[tuple[int, int], tuple[npt.NDArray[np.intp], ...]] = {}

    def _plan(self, first: int, frames: int) -> tuple[npt.NDArray[np.intp], ...]:
        """For a block starting at sample `first`: the sample whose value each
        sample replaces (itself when no row changes), where each row is first
        and last redrawn in the block, and which rows are. Depends only on
        `first` modulo 2**rows, so it is kept for blocks of the same shape."""
        count = len(self._rows)
        key = (first % (1 << count), frames)
        plan = self._plans.get(key)
        if plan is None:
            index = np.arange(frames)
            row = self._row_of[(index + first) & _ROW_MASK]
            source = index - self._period[row]
            # No row changes (or the old value comes from the last block, set
            # apart below): let the sample replace itself, a step of nothing.
            np.copyto(source, index, where=(source < 0) | (row == count))
            first_redraw = (self._phase - first) % self._period[:count]
            inside = np.flatnonzero(first_redraw < frames)
            last = frames - 1 - (first + frames - 1 - self._phase) % self._period[:count]
            redrawn = np.flatnonzero(last >= 0)
            plan = (source, inside, first_redraw[inside], redrawn, last[redrawn])
            if len(self._plans) >= 64:
                self._plans.clear()
            self._plans[key] = plan
        return plan

    def render(self, frames: int) -> FloatArray:
        if frames <= 0:
            return np.zeros(0)
        source, inside, at_first, redrawn, at_last = self._plan(self._count, frames)
        fresh = self._fresh.random(frames)
        # Each sample redraws one row: the sum moves by the new value minus the
        # one that row held, drawn one period earlier in this block...
        step = fresh - fresh.take(source)
        # ...or, for each row's first redraw here, carried in from the last block.
        step[at_first] = fresh[at_first] - self._rows[inside]
        total = np.add.accumulate(step)
        total += self._rows.sum() - self._offset
        total += self._white.random(frames)
        # Carry each row's latest value (and resum exactly next time).
        self._rows[redrawn] = fresh[at_last]
        self._count += frames
        return total


class BrownNoise:
    """Brown noise (-6 dB per octave): white noise through a leaky integrator,
    then a DC blocker so the slow wander below a few hertz never eats headroom."""

    def __init__(
        self, rng: np.random.Generator, sample_rate: float, dc_block_hz: float = DC_BLOCK_HZ
    ) -> None:
        self._rng = rng
        self._integrator = OnePole(pole_for(BROWN_LEAK_HZ, sample_rate))
        self._blocker = HighPass(dc_block_hz, sample_rate)

    def render(self, frames: int) -> FloatArray:
        if frames <= 0:
            return np.zeros(0)
        return self._blocker.process(self._integrator.process(self._rng.uniform(-1.0, 1.0, frames)))


class NoiseBed:
    """A soft bed of pink or brown noise at unit RMS, peaks bounded by `BED_CREST`.

    A bed has nothing above a couple of kilohertz, so the noise is made at a
    quarter of the sample rate (a quarter of the work), kept from rumbling
    below `BED_HIGHPASS_HZ` and lowpassed there by two one-poles at
    `BED_CUTOFF_HZ`. Linear interpolation brings it up to the full rate (its
    faint images lie far above the cutoff); it is scaled to unit RMS and
    soft-limited above `BED_KNEE`. It is made in `BED_CHUNK` chunks, whatever
    size the caller reads, so reading is one slice.
    """

    def __init__(self, colour: str, sample_rate: int, seed: int | None = None) -> None:
        if colour not in COLOURS:
            raise ValueError(f"unknown noise colour {colour!r} (one of {', '.join(COLOURS)})")
        rng = np.random.default_rng(seed)
        rate = sample_rate / BED_DECIMATION
        self.colour = colour
        # Nothing much below BED_HIGHPASS_HZ: brown noise's own DC blocker is
        # set there, and pink noise stops rising there (no slower rows).
        self.source: PinkNoise | BrownNoise = (
            PinkNoise(rng, math.ceil(math.log2(rate / BED_HIGHPASS_HZ)))
            if colour == "pink"
            else BrownNoise(rng, rate, BED_HIGHPASS_HZ)
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
        low = self.source.render(BED_CHUNK // BED_DECIMATION)
        low = second.process(first.process(low))
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
