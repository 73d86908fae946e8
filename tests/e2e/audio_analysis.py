"""Analysis helpers for audio recorded from the app during end-to-end tests.

Recordings are raw mono signed 16-bit little-endian PCM, as written by
``parec --format=s16le --channels=1 --rate=44100``. Samples are scaled to
float64 in [-1, 1) by dividing by 32768, so a full-scale int16 value is 0 dBFS.

The breath-cue tone is a soft tone whose loudness and pitch rise during the
inhale and fall during the exhale. The helpers here measure its level
(:func:`peak_dbfs`, :func:`rms_envelope`, :func:`silence_after`), its pitch
(:func:`pitch_track`), the pace of the breath carried by either
(:func:`dominant_period`), the level of a frequency band such as an ambient
noise bed (:func:`band_level_dbfs`), and audible defects (:func:`click_score`,
and :func:`longest_gap` for dropouts).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

INT16_SCALE = 32768.0
# One least significant bit of int16 audio on the float scale.
LSB = 1.0 / INT16_SCALE

# click_score() above this value means the recording contains an audible
# discontinuity (click, dropout, hard start or stop). Clean breath-cue tones
# (150-400 Hz, slow loudness and pitch changes, ramped starts and stops, with
# or without a noise floor) score 1.3-1.6. Steps, dropouts and hard starts or
# stops of such a tone score about 9 at the very least (a break in the slope at
# a zero crossing of a 400 Hz tone) and mostly 15-1000.
CLICK_THRESHOLD = 5.0

# longest_gap(): a run of near-silent samples is a dropout only if it is longer
# than GAP_MIN_SECONDS (a tone's waveform is near zero for a moment at every
# zero crossing) and the sound peaks at least GAP_MARGIN_DB above the
# threshold within GAP_CONTEXT_SECONDS on both sides of it. A tone that fades
# in or out through the threshold dwells below it for up to half a cycle at a
# time (2.8 ms measured at the start of a session's fade-in); there the sound
# on either side is barely above the threshold, so it is not a dropout.
GAP_MIN_SECONDS = 0.002
GAP_CONTEXT_SECONDS = 0.01
GAP_MARGIN_DB = 20.0

# dominant_period() accepts a correlation peak only if it rises at least this
# much above the lowest correlation at any shorter lag.
MIN_PROMINENCE = 0.2


@dataclass(frozen=True, eq=False)
class Recording:
    """Mono audio: ``samples`` are float64 in [-1, 1), ``rate`` in samples per second."""

    samples: FloatArray
    rate: int

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.rate


def load_s16le(path: Path, rate: int = 44100) -> Recording:
    """Load raw mono signed 16-bit little-endian PCM.

    A trailing odd byte (a half-written sample) is ignored.
    """
    if rate <= 0:
        raise ValueError(f"rate must be positive, got {rate}")
    data = path.read_bytes()
    usable = len(data) - len(data) % 2
    ints = np.frombuffer(data[:usable], dtype="<i2")
    samples = ints.astype(np.float64) / INT16_SCALE
    return Recording(samples=samples, rate=rate)


def _to_dbfs(value: float) -> float:
    """Amplitude (1.0 = full scale) to dBFS; -inf for zero."""
    if value <= 0.0:
        return -math.inf
    return 20.0 * math.log10(value)


def _frame_length(rate: int, seconds: float) -> int:
    if seconds <= 0.0:
        raise ValueError(f"frame length must be positive, got {seconds} s")
    return max(1, round(seconds * rate))


def _frames(samples: FloatArray, length: int) -> FloatArray:
    """Non-overlapping frames of ``length`` samples as rows; a partial last frame is dropped."""
    count = len(samples) // length
    return samples[: count * length].reshape(count, length)


def peak_dbfs(rec: Recording) -> float:
    """Largest absolute sample value in dBFS; -inf for an empty or all-zero recording."""
    if len(rec.samples) == 0:
        return -math.inf
    return _to_dbfs(float(np.max(np.abs(rec.samples))))


def silence_after(rec: Recording, start_seconds: float) -> float:
    """Peak level in dBFS of the recording from ``start_seconds`` on (-inf if nothing is left)."""
    start = max(0, math.ceil(start_seconds * rec.rate))
    return peak_dbfs(Recording(samples=rec.samples[start:], rate=rec.rate))


def trim_silence(rec: Recording, threshold_dbfs: float = -60.0) -> Recording:
    """Cut the leading and trailing parts that are quieter than ``threshold_dbfs``.

    The recording is cut into 50 ms frames (the last one may be shorter); every
    frame before the first and after the last frame whose RMS level reaches the
    threshold is removed. The cut is therefore at a frame boundary: up to 50 ms
    of quiet audio may remain at either end. A recording with no loud frame
    becomes empty.
    """
    length = _frame_length(rec.rate, 0.05)
    n = len(rec.samples)
    if n == 0:
        return rec
    starts = np.arange(0, n, length)
    squares = np.square(rec.samples)
    sums = np.add.reduceat(squares, starts)
    counts = np.diff(np.append(starts, n))
    rms = np.sqrt(sums / counts)
    threshold = 10.0 ** (threshold_dbfs / 20.0)
    loud = np.flatnonzero(rms >= threshold)
    if len(loud) == 0:
        return Recording(samples=rec.samples[:0].copy(), rate=rec.rate)
    begin = int(starts[loud[0]])
    end = min(n, int(starts[loud[-1]]) + length)
    return Recording(samples=rec.samples[begin:end].copy(), rate=rec.rate)


def longest_gap(
    rec: Recording,
    threshold_dbfs: float = -60.0,
    within: tuple[float, float] | None = None,
) -> float:
    """Length in seconds of the longest dropout: near silence inside the sound.

    A sample is near silent when its absolute value is below ``threshold_dbfs``.
    The sounding part runs from the first to the last sample at or above the
    threshold; a run of consecutive near-silent samples strictly inside it is a
    gap (the silence before the sound starts and after it ends is not). The
    run is measured on the samples themselves, so its length is exact to the
    sample, plus the few samples at either edge where the waveform itself was
    near zero.

    Two kinds of run are not dropouts and are not counted (see
    :data:`GAP_MIN_SECONDS`): runs of ``GAP_MIN_SECONDS`` (2 ms) or less,
    which is where a tone's waveform crosses zero; and runs beside which the
    sound does not peak at least ``GAP_MARGIN_DB`` (20 dB) above the threshold
    within ``GAP_CONTEXT_SECONDS`` (10 ms) on both sides, which is a tone
    fading in or out through the threshold. So a gap of just over 2 ms in
    sound at -40 dBFS or louder is found; one in sound quieter than that is
    not (it would be barely audible).

    With ``within`` (start, end in seconds), only that part of the recording
    is looked at, with its own sounding part: a gap cut by either end of it
    does not count. Returns 0.0 when there is no gap (or no sound at all).
    """
    samples = rec.samples
    if within is not None:
        start, end = within
        if not 0.0 <= start <= end:
            raise ValueError(f"need 0 <= start <= end, got {within}")
        samples = samples[math.floor(start * rec.rate) : math.ceil(end * rec.rate)]
    threshold = 10.0 ** (threshold_dbfs / 20.0)
    magnitude = np.abs(samples)
    loud = np.flatnonzero(magnitude >= threshold)
    if len(loud) < 2:
        return 0.0
    # Between two consecutive loud samples lies a run of near-silent ones.
    runs = np.diff(loud) - 1
    context = _frame_length(rec.rate, GAP_CONTEXT_SECONDS)
    clear = threshold * 10.0 ** (GAP_MARGIN_DB / 20.0)
    longest = 0
    for index in np.flatnonzero(runs > GAP_MIN_SECONDS * rec.rate):
        first_quiet, next_loud = int(loud[index]) + 1, int(loud[index + 1])
        before = magnitude[max(0, first_quiet - context) : first_quiet]
        after = magnitude[next_loud : next_loud + context]
        if np.max(before) >= clear and np.max(after) >= clear:
            longest = max(longest, int(runs[index]))
    return longest / rec.rate


def rms_envelope(rec: Recording, frame_seconds: float = 0.05) -> tuple[FloatArray, float]:
    """RMS level (linear, 1.0 = full scale) of consecutive non-overlapping frames.

    Returns the RMS values and the frame rate in frames per second; frame ``i``
    covers ``[i / frame_rate, (i + 1) / frame_rate)``. A partial last frame is dropped.
    """
    length = _frame_length(rec.rate, frame_seconds)
    frames = _frames(rec.samples, length)
    rms = np.sqrt(np.mean(np.square(frames), axis=1)) if len(frames) else np.zeros(0)
    return rms.astype(np.float64), rec.rate / length


def band_level_dbfs(rec: Recording, low_hz: float, high_hz: float) -> float:
    """RMS level in dB of the part of the recording between ``low_hz`` and ``high_hz``.

    Worked out from the spectrum of the whole recording (no window): by
    Parseval's theorem the bins of a band add up to its mean square. The scale
    is RMS against full scale, so a full-scale sine inside the band is -3 dB.
    Returns -inf for a band with no power (or no bins).
    """
    n = len(rec.samples)
    if n == 0:
        return -math.inf
    spectrum = np.fft.rfft(rec.samples)
    freqs = np.fft.rfftfreq(n, 1.0 / rec.rate)
    inside = (freqs >= low_hz) & (freqs < high_hz) & (freqs > 0.0) & (freqs < rec.rate / 2.0)
    mean_square = 2.0 * float(np.sum(np.abs(spectrum[inside]) ** 2)) / n**2
    if mean_square <= 0.0:
        return -math.inf
    return 10.0 * math.log10(mean_square)


def _parabolic_offset(left: float, centre: float, right: float) -> float:
    """Offset in (-0.5, 0.5) of the vertex of the parabola through three equally spaced points."""
    denominator = left - 2.0 * centre + right
    if denominator >= 0.0 or not math.isfinite(denominator):
        return 0.0
    offset = 0.5 * (left - right) / denominator
    return min(0.5, max(-0.5, offset))


def pitch_track(
    rec: Recording,
    frame_seconds: float = 0.1,
    *,
    min_hz: float = 20.0,
    max_hz: float | None = None,
    silence_dbfs: float = -60.0,
) -> tuple[FloatArray, float]:
    """Dominant frequency in Hz of consecutive non-overlapping frames.

    Each frame is multiplied by a Hann window and zero-padded to at least four
    times its length before the FFT; the strongest bin between ``min_hz`` and
    ``max_hz`` (default: Nyquist) is refined by parabolic interpolation of the
    log magnitude, which for a steady tone is accurate to a small fraction of
    a hertz. Frames whose RMS level is below ``silence_dbfs`` give NaN.

    Returns the frequencies and the frame rate in frames per second.
    """
    length = _frame_length(rec.rate, frame_seconds)
    frames = _frames(rec.samples, length)
    frame_rate = rec.rate / length
    result = np.full(len(frames), np.nan, dtype=np.float64)
    if len(frames) == 0:
        return result, frame_rate

    nfft = 1 << (4 * length - 1).bit_length()
    bin_hz = rec.rate / nfft
    top_hz = rec.rate / 2.0 if max_hz is None else min(max_hz, rec.rate / 2.0)
    low_bin = max(1, math.ceil(min_hz / bin_hz))
    high_bin = min(nfft // 2 - 1, math.floor(top_hz / bin_hz))
    if high_bin <= low_bin:
        raise ValueError("frequency range is narrower than one FFT bin")

    window = np.hanning(length)
    threshold = 10.0 ** (silence_dbfs / 20.0)
    rms = np.sqrt(np.mean(np.square(frames), axis=1))
    block = max(1, (1 << 22) // nfft)  # bound the memory of one batch of spectra
    for first in range(0, len(frames), block):
        chunk = frames[first : first + block]
        spectra = np.abs(np.fft.rfft(chunk * window, n=nfft, axis=1))
        with np.errstate(divide="ignore"):
            log_mag = np.log(spectra)
        band = log_mag[:, low_bin : high_bin + 1]
        peaks = np.argmax(band, axis=1) + low_bin
        for row, peak in enumerate(peaks):
            index = first + row
            if not rms[index] >= threshold:
                continue
            k = int(peak)
            offset = _parabolic_offset(
                float(log_mag[row, k - 1]), float(log_mag[row, k]), float(log_mag[row, k + 1])
            )
            result[index] = (k + offset) * bin_hz
    return result, frame_rate


def _fill_nans(signal: FloatArray) -> FloatArray:
    """Replace NaNs by linear interpolation (held constant beyond the first/last valid value)."""
    valid = np.isfinite(signal)
    if valid.all():
        return signal
    if not valid.any():
        raise ValueError("signal has no finite values")
    positions = np.arange(len(signal), dtype=np.float64)
    return np.interp(positions, positions[valid], signal[valid]).astype(np.float64)


def _lagged_correlation(x: FloatArray, max_lag: int) -> FloatArray:
    """Pearson correlation between ``x[:n - k]`` and ``x[k:]`` for lags ``k = 0..max_lag``.

    Each lag is normalised by the means and energies of the two overlapping
    segments, so the result does not sag with the lag (as the plain biased
    autocorrelation does) and a slowly drifting mean does not shift the peak.
    """
    n = len(x)
    size = 1 << (2 * n - 1).bit_length()
    spectrum = np.fft.rfft(x, size)
    products = np.fft.irfft(spectrum * np.conj(spectrum), size)[: max_lag + 1]
    lags = np.arange(max_lag + 1)
    overlap = (n - lags).astype(np.float64)
    cumsum = np.concatenate(([0.0], np.cumsum(x)))
    cumsq = np.concatenate(([0.0], np.cumsum(x * x)))
    sum_head = cumsum[n - lags]  # x[0 : n - k]
    sum_tail = cumsum[n] - cumsum[lags]  # x[k : n]
    sq_head = cumsq[n - lags]
    sq_tail = cumsq[n] - cumsq[lags]
    covariance = products - sum_head * sum_tail / overlap
    var_head = sq_head - sum_head**2 / overlap
    var_tail = sq_tail - sum_tail**2 / overlap
    with np.errstate(divide="ignore", invalid="ignore"):
        correlation = covariance / np.sqrt(var_head * var_tail)
    return np.where(np.isfinite(correlation), correlation, -np.inf).astype(np.float64)


def dominant_period(
    signal: npt.ArrayLike, frame_rate: float, min_period: float, max_period: float
) -> float:
    """Period in seconds of the strongest cycle in a slowly varying series.

    ``signal`` is sampled at ``frame_rate`` values per second (for example the
    output of :func:`rms_envelope` or :func:`pitch_track`). NaNs are bridged
    by linear interpolation and the mean is removed. The correlation of the
    series with itself delayed by each lag (normalised per lag, see
    :func:`_lagged_correlation`) is searched for local maxima with lags between
    ``min_period`` and ``max_period`` that are positive and rise at least
    ``MIN_PROMINENCE`` above the lowest correlation at any shorter lag (a
    trend or a constant alone correlates perfectly at every lag, without any
    dip, and so yields no period). The strongest maximum wins, except that
    a shorter-lag maximum at least 90 % as strong is preferred, so a multiple
    of the period is not reported when both fit in the range. The chosen lag is
    refined by parabolic interpolation.

    Returns NaN if the range holds no such maximum. Raises
    ``ValueError`` for an impossible range or a series too short for it.
    """
    if frame_rate <= 0.0:
        raise ValueError(f"frame_rate must be positive, got {frame_rate}")
    if not 0.0 < min_period < max_period:
        raise ValueError(f"need 0 < min_period < max_period, got {min_period}, {max_period}")
    series = np.asarray(signal, dtype=np.float64)
    if series.ndim != 1:
        raise ValueError("signal must be one-dimensional")
    series = _fill_nans(series)
    series = series - float(np.mean(series))

    min_lag = max(1, math.ceil(min_period * frame_rate))
    max_lag = math.floor(max_period * frame_rate)
    if max_lag < min_lag:
        raise ValueError("period range is narrower than one frame")
    if max_lag + 1 > len(series) - 2:
        raise ValueError(
            f"series of {len(series) / frame_rate:.3g} s is too short for periods "
            f"up to {max_period} s"
        )
    correlation = _lagged_correlation(series, max_lag + 1)

    # Lowest correlation at any lag below k: a cycle must have dipped in between.
    trough = np.minimum.accumulate(correlation)
    candidates: list[int] = []
    for k in range(min_lag, max_lag + 1):
        here = correlation[k]
        if (
            here > 0.0
            and here >= correlation[k - 1]
            and here > correlation[k + 1]
            and here - trough[k - 1] >= MIN_PROMINENCE
        ):
            candidates.append(k)
    if not candidates:
        return math.nan
    strongest = max(float(correlation[k]) for k in candidates)
    best = next(k for k in candidates if correlation[k] >= 0.9 * strongest)

    left, right = float(correlation[best - 1]), float(correlation[best + 1])
    offset = 0.0
    if math.isfinite(left) and math.isfinite(right):
        offset = _parabolic_offset(left, float(correlation[best]), right)
    return (best + offset) / frame_rate


def click_score(
    rec: Recording,
    *,
    window_seconds: float = 0.01,
    context_seconds: float = 0.2,
    floor_dbfs: float = -70.0,
) -> float:
    """How far the worst sample-to-sample discontinuity exceeds what a smooth tone could do.

    The second difference ``d[n] = x[n+1] - 2 x[n] + x[n-1]`` of a sine of
    amplitude ``A`` and frequency ``f`` never exceeds ``A * (2 pi f / rate)**2``:
    for a 150-400 Hz tone that is 0.05-0.3 % of its amplitude. A click (a step
    in the waveform), a dropout (samples suddenly zeroed) or a tone starting or
    stopping without a ramp breaks the waveform or its slope, and the second
    difference at that sample is of the order of ``A`` or ``A * 2 pi f / rate``,
    roughly 20 to 2000 times the smooth bound.

    The recording is cut into windows of ``window_seconds`` and the largest
    ``|d|`` of each window is taken. The expected value for a window is
    estimated from its neighbours, without the window itself, as the median of
    those window maxima over ``context_seconds`` before it and, separately,
    after it; the larger of the two medians is used, so that a smooth fade in
    from silence or out to silence is judged against the louder side and is not
    mistaken for a defect. The estimate is never taken below 2 LSB of int16,
    the largest second difference that rounding to int16 alone can produce.
    Windows whose samples all stay below ``floor_dbfs`` (the noise floor of
    near-silent stretches) are ignored.

    The score is the largest ratio of a window's maximum to its expected value.
    A smooth tone, whose loudness and pitch change slowly, scores about 1-2;
    anything above :data:`CLICK_THRESHOLD` is an audible discontinuity.
    The ends of the recording are not judged: a tone that is already sounding
    when the recording starts or still sounding when it stops is not a click.
    Windows of 10 ms suit tones down to 50 Hz (a window must span half a cycle
    to contain a peak of the tone). The mildest defect is a break in the
    waveform's slope right beside a zero crossing (a hard start, stop or
    dropout edge at that phase): it scores at least ``rate / (4 pi f)``, about 9
    at 400 Hz and more at lower pitch. Quiet tones are judged against the
    2 LSB floor instead of their own (smaller) second difference, so the
    mildest breaks of a 150 Hz tone drop below :data:`CLICK_THRESHOLD` under
    about -35 dBFS; steps and breaks at other phases are still caught there.
    """
    x = rec.samples
    if len(x) < 3:
        return 0.0
    second = np.abs(x[2:] - 2.0 * x[1:-1] + x[:-2])
    magnitude = np.abs(x)
    # Aligned with ``second``: the loudest of the three samples in each difference.
    level = np.maximum(np.maximum(magnitude[:-2], magnitude[1:-1]), magnitude[2:])

    length = _frame_length(rec.rate, window_seconds)
    count = math.ceil(len(second) / length)
    padded = count * length - len(second)
    window_max = np.pad(second, (0, padded)).reshape(count, length).max(axis=1)
    window_level = np.pad(level, (0, padded)).reshape(count, length).max(axis=1)

    context = max(1, round(context_seconds / window_seconds))
    # Sliding medians of ``context`` windows; NaN-padded so edges use what exists.
    nan_pad = np.full(context, np.nan)
    extended = np.concatenate((nan_pad, window_max, nan_pad))
    views = np.lib.stride_tricks.sliding_window_view(extended, context)
    # views[j] covers extended[j : j + context]; window i sits at extended[i + context].
    has_value = ~np.all(np.isnan(views), axis=1)
    medians = np.full(len(views), -np.inf)
    medians[has_value] = np.nanmedian(views[has_value], axis=1)
    before = medians[:count]  # windows i - context .. i - 1
    after = medians[context + 1 : context + 1 + count]  # windows i + 1 .. i + context
    expected = np.maximum(np.maximum(before, after), 2.0 * LSB)

    floor = 10.0 ** (floor_dbfs / 20.0)
    judged = window_level >= floor
    if not judged.any():
        return 0.0
    return float(np.max(window_max[judged] / expected[judged]))


# The chime's third partial (3.02 x 392 Hz, about 1184 Hz) sits where neither
# the breath tone (up to its third harmonic, 785 Hz) nor speech-free sound has
# anything: a bell is found by it alone.
CHIME_BAND_HZ = (1100.0, 1300.0)


def chime_onsets(
    rec: Recording, min_gap_seconds: float = 0.9, floor_dbfs: float = -70.0
) -> list[tuple[float, float]]:
    """(onset in seconds, band peak) of every chime in the recording.

    The recording is band-passed to ``CHIME_BAND_HZ`` (through the spectrum)
    and its envelope taken as the largest magnitude per millisecond. A chime
    is an envelope peak above ``floor_dbfs`` that is the highest within
    ``min_gap_seconds`` either side; its onset is the first millisecond in
    the 150 ms before the peak where the envelope reaches half the peak. Every
    chime has the same attack, so the half-peak point marks each at the same
    place of its shape, whatever its level (fades scale them).
    """
    samples = rec.samples
    spectrum = np.fft.rfft(samples)
    freqs = np.fft.rfftfreq(len(samples), 1 / rec.rate)
    spectrum[(freqs < CHIME_BAND_HZ[0]) | (freqs > CHIME_BAND_HZ[1])] = 0.0
    band = np.fft.irfft(spectrum, len(samples))
    per_ms = max(rec.rate // 1000, 1)
    count = len(band) // per_ms
    envelope = np.abs(band[: count * per_ms]).reshape(count, per_ms).max(axis=1)
    floor = 10.0 ** (floor_dbfs / 20.0)
    reach = round(min_gap_seconds * 1000)
    found: list[tuple[float, float]] = []
    for i in np.flatnonzero(envelope > floor):
        peak = float(envelope[i])
        if peak < float(envelope[max(i - reach, 0) : i + reach + 1].max()):
            continue
        if found and i / 1000.0 - found[-1][0] < min_gap_seconds:
            continue
        before = envelope[max(i - 150, 0) : i + 1]
        onset = max(i - 150, 0) + int(np.argmax(before >= peak / 2.0))
        found.append((onset * per_ms / rec.rate, peak))
    return found
