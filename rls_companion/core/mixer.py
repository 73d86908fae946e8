"""The session's sound, pulled block by block by an audio sink.

The sink asks for the next block whenever its buffer has room, often in
bursts. The mixer keeps its own sample-accurate cursor, so consecutive blocks
join seamlessly, and steers it towards the session clock (plus the sink's
buffer lead) by playing up to 5 % faster or slower: small drift is absorbed
without a seam. A large jump (the computer slept, the device stalled) fades
out, moves the cursor, and fades back in, so it is never heard as a click.

The soundscape: the breath tone; an optional bed of pink or brown noise that
swells with the inhale and ebbs with the exhale; an optional quiet chime at
every change of breath phase; chimes scheduled by the app; and the spoken
guidance, synthesized to samples and levelled beforehand (core.speech_level).
While a voice sounds (or `set_ducking(True)` says one speaks elsewhere) the
tone, the bed and the phase chimes are lowered. Everything follows the
timeline's fade, so the session ends in silence and its last words are its
quietest.

Headroom is budgeted per source (peaks at volume 100, before fades), and the
budgets add up to less than -1 dBFS, so the mix never needs limiting; the
safety limiter at the end is only a last resort.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from rls_companion.core.breathing import BreathPlan
from rls_companion.core.noise import BED_CREST, NoiseBed
from rls_companion.core.session import Timeline
from rls_companion.core.sound import (
    CHIME_PEAK,
    FULL_SCALE_PEAK,
    LIMIT_CEILING,
    SAMPLE_RATE,
    Block,
    BreathCurve,
    BreathTone,
    Ducker,
    GainRamp,
    SafetyLimiter,
    chime,
)

if TYPE_CHECKING:
    from rls_companion.core.config import Audio

STEER_LIMIT = 0.05  # the most the cursor may run fast or slow
STEER_SECONDS = 1.0  # drift is corrected over about this long
JUMP_SECONDS = 0.5  # beyond this, fade out, jump, fade in

AMBIENT_CHOICES = ("none", "brown", "pink")

# Headroom budget: the highest peak of each source at volume 100.
TONE_PEAK = FULL_SCALE_PEAK  # 0.50, -6 dBFS, at the top of the breath
BED_PEAK = 0.11  # the bed at level 100 and full swell (its RMS is a quarter of this)
PHASE_CHIME_PEAK = 0.07  # one phase chime: quiet beside the tone
# Phase chimes ring at least MIN_CHIME_GAP apart, so a chime has decayed to a
# small fraction when the next one starts: together they stay below this
# multiple of one chime's peak (checked in the tests).
PHASE_CHIME_OVERLAP = 1.3
MIN_CHIME_GAP = 1.0
EVENT_CHIME_PEAK = 0.18  # one chime scheduled by the app
HEADROOM_BUDGET = TONE_PEAK + BED_PEAK + PHASE_CHIME_PEAK * PHASE_CHIME_OVERLAP + EVENT_CHIME_PEAK
# The bed breathes between this share of its level (empty lungs) and all of it.
BED_EBB = 0.45
BED_STILL = 0.75  # its level when it does not breathe
DUCK_DB = 10.0
DUCK_SECONDS = 0.3
CANCEL_FADE_SECONDS = 0.03  # a cancelled chime that is already ringing fades this fast
PHASE_SCAN_SECONDS = 10.0  # phase boundaries are looked up this far ahead at a time


@dataclass(frozen=True)
class Moment:
    """The session as seen by the audio thread at one pull."""

    practice: float  # seconds of practice so far (drives the breath)
    position: float  # position on the timeline (drives fades)
    running: bool


@dataclass
class _Voice:
    """A sampled sound that starts at a practice time and then plays through."""

    at: float
    wave: npt.NDArray[np.floating]
    late_start: bool  # if its moment has passed: play the rest (True) or skip it
    peak: float  # its highest sample, for the headroom check
    speech: bool = False  # a voice: the soundscape is lowered while it sounds
    played: int | None = None  # samples played, once started

    @property
    def done(self) -> bool:
        return self.played is not None and self.played >= len(self.wave)


class SessionMixer:
    def __init__(
        self,
        plan: BreathPlan,
        timeline: Timeline,
        volume: float,
        breath_tone: bool = True,
        sample_rate: int = SAMPLE_RATE,
        *,
        ambient: str = "none",
        ambient_level: float = 0.4,
        ambient_breathes: bool = True,
        phase_chime: bool = False,
        duck_db: float = DUCK_DB,
        duck_seconds: float = DUCK_SECONDS,
        seed: int | None = None,
    ) -> None:
        if ambient not in AMBIENT_CHOICES:
            raise ValueError(f"unknown ambient bed {ambient!r} (one of {AMBIENT_CHOICES})")
        self.rate = sample_rate
        self.plan = plan
        self.timeline = timeline
        self.volume = min(max(volume, 0.0), 1.0)
        self.curve = BreathCurve(plan, sample_rate)
        self.tone = BreathTone(plan, sample_rate, self.curve) if breath_tone else None
        level = min(max(ambient_level, 0.0), 1.0)
        self.bed = NoiseBed(ambient, sample_rate, seed) if ambient != "none" and level else None
        self.bed_breathes = self.bed is not None and ambient_breathes
        self._bed_scale = level * BED_PEAK / BED_CREST
        self.phase_chime = phase_chime
        # Per-sample quantities that are straight lines of the breath level:
        # the tone's phase increment and amplitude, the bed's swell.
        lines = [*self.tone.lanes()] if self.tone is not None else []
        if self.bed_breathes:
            lines.append((self._bed_scale * (1.0 - BED_EBB), self._bed_scale * BED_EBB))
        self._lane_slopes = np.array([a for a, _ in lines]) if lines else None
        self._lane_offsets = np.array([[b] for _, b in lines])
        # The most the tone, the bed and the phase chimes can add up to.
        self._steady_peak = (
            (TONE_PEAK if breath_tone else 0.0)
            + (self._bed_scale * BED_CREST if self.bed is not None else 0.0)
            + (PHASE_CHIME_PEAK * PHASE_CHIME_OVERLAP if phase_chime else 0.0)
        )
        self.run_gain = GainRamp(0.0, sample_rate=sample_rate)
        self.ducker = Ducker(duck_db, duck_seconds, sample_rate)
        self.limiter = SafetyLimiter(sample_rate)
        self._ramp = np.zeros(0)
        self.cursor: float | None = None
        self.resyncs = 0
        wave = chime(sample_rate)
        self._event_wave = wave * (EVENT_CHIME_PEAK / CHIME_PEAK)
        self._phase_wave = wave * (PHASE_CHIME_PEAK / CHIME_PEAK)
        self._voices: dict[int, _Voice] = {}  # handle -> chime scheduled by the app
        self._next_voice = 0
        self._ducked_elsewhere = False  # a voice speaks outside the mix
        self._phase_voices: list[_Voice] = []
        self._scanned_to = 0.0  # phase boundaries up to here are scheduled
        self._last_phase_chime = -math.inf
        segments = plan.segments
        self._phase_changes = [seg.phase != segments[i - 1].phase for i, seg in enumerate(segments)]

    # -- control -----------------------------------------------------------
    @classmethod
    def for_settings(
        cls, plan: BreathPlan, timeline: Timeline, audio: Audio, sample_rate: int
    ) -> SessionMixer:
        """The mixer for the sound settings (volume, tone, bed and chime)."""
        return cls(
            plan,
            timeline,
            audio.volume / 100.0,
            breath_tone=audio.breath_tone,
            sample_rate=sample_rate,
            ambient=audio.ambient,
            ambient_level=audio.ambient_level / 100.0,
            ambient_breathes=audio.ambient_breathes,
            phase_chime=audio.phase_chime,
        )

    def schedule_chime(self, at_practice: float) -> int:
        """Ring the soft chime when practice time reaches `at_practice`.

        Scheduled ahead, it lands on time even though audio is rendered half
        a second early; returns a handle for `cancel`.
        """
        return self._add(_Voice(at_practice, self._event_wave, True, EVENT_CHIME_PEAK))

    def schedule_speech(self, at_practice: float, wave: npt.NDArray[np.floating]) -> int:
        """Speak `wave` (levelled, at the mixer's rate) from practice time
        `at_practice`, or once the soundscape has been lowered if that is
        later: a voice never starts over the tone at full level (their peaks
        would add up). Returns a handle for `cancel`."""
        if self.cursor is not None:
            at_practice = max(at_practice, self.cursor + self.ducker.length / self.rate)
        peak = float(np.max(np.abs(wave))) if len(wave) else 0.0
        return self._add(_Voice(at_practice, wave, True, peak, speech=True))

    def _add(self, voice: _Voice) -> int:
        self._next_voice += 1
        self._voices[self._next_voice] = voice
        return self._next_voice

    def cancel(self, handle: int) -> None:
        """Call off a scheduled chime or voice; one already sounding fades out quickly."""
        voice = self._voices.get(handle)
        if voice is None:
            return
        if voice.played is None:
            del self._voices[handle]
            return
        rest = voice.wave[voice.played : voice.played + int(CANCEL_FADE_SECONDS * self.rate)]
        voice.wave = rest * np.linspace(1.0, 0.0, len(rest))
        voice.played = 0

    def set_ducking(self, active: bool) -> None:
        """Lower the tone, the bed and the phase chimes while a voice speaks
        outside the mix (a speech engine that plays by itself), or bring them
        back; the change glides over `duck_seconds`."""
        self._ducked_elsewhere = active
        self.ducker.duck(active)

    def _duck_for_speech(self, end: float) -> None:
        """Duck while a voice in the mix sounds, starting `duck_seconds`
        before it so the voice begins over a lowered soundscape."""
        lead = self.ducker.length / self.rate
        speaking = any(
            v.speech and not v.done and (v.played is not None or v.at - end <= lead)
            for v in self._voices.values()
        )
        self.ducker.duck(speaking or self._ducked_elsewhere)

    @property
    def ducking(self) -> bool:
        return self.ducker.target > 0

    # -- rendering ---------------------------------------------------------
    def pull(self, frames: int, moment: Moment, lead_seconds: float = 0.0) -> Block:
        """The next `frames` samples of mono float32 audio."""
        if frames <= 0:
            return np.zeros(0, dtype=np.float32)
        target = moment.practice + lead_seconds
        if self.cursor is None:
            self._move_cursor(target)
        assert self.cursor is not None
        drift = target - self.cursor
        jumping = moment.running and abs(drift) > JUMP_SECONDS
        if jumping and self.run_gain.value == 0.0:
            self._move_cursor(target)
            self.resyncs += 1
            drift, jumping = 0.0, False
        self.run_gain.target = 1.0 if moment.running and not jumping else 0.0
        speed = 0.0
        if moment.running:
            speed = 1.0
            if not jumping:
                speed += min(max(drift / STEER_SECONDS, -STEER_LIMIT), STEER_LIMIT)
        start = self.cursor
        end = start + frames / self.rate * speed
        self.cursor = end
        if self.run_gain.steady and self.run_gain.value == 0.0:
            # Silent (paused): let what is ringing run on unheard.
            self._advance_voices(frames)
            self.ducker.render(frames)
            return np.zeros(frames, dtype=np.float32)
        skipped = moment.position - moment.practice
        fade_from = self.timeline.fade_level(start + skipped)
        fade_to = self.timeline.fade_level(end + skipped)

        out = self._soundscape(frames, start, speed)
        if moment.running:
            self._schedule_phase_chimes(end)
        if self._phase_voices and self._mix_voices(
            self._phase_voices, out, start, speed, moment.running, in_order=True
        ):
            self._phase_voices = [v for v in self._phase_voices if not v.done]
        self._duck_for_speech(end)
        duck = self.ducker.render(frames)
        if not (isinstance(duck, float) and duck == 1.0):
            out *= duck
        if self._voices and self._mix_voices(
            list(self._voices.values()), out, start, speed, moment.running
        ):
            self._drop_finished()

        gain: float | npt.NDArray[np.float64] = self.volume
        if self.run_gain.steady:
            gain *= self.run_gain.value
        else:
            gain = gain * self.run_gain.render(frames)
        if fade_from == fade_to:
            gain = gain * fade_from
        else:
            gain = gain * (fade_from + (fade_to - fade_from) * self._unit_ramp(frames))
        out *= gain
        # Within the headroom budget the limiter has nothing to do; it only
        # listens when more is sounding than the budget allows for.
        bound = (self._steady_peak + sum(v.peak for v in self._voices.values())) * self.volume
        if bound > LIMIT_CEILING or self.limiter.gain < 1.0:
            out = self.limiter.process(out)
        return out.astype(np.float32)

    def _soundscape(self, frames: int, start: float, speed: float) -> npt.NDArray[np.float64]:
        """Tone and bed for the block, before ducking and gains."""
        bed = self.bed
        if self._lane_slopes is None:
            out = np.zeros(frames)
        else:
            # Everything that follows the breath is a straight line of its
            # level: work all of them out in one go.
            lanes = np.multiply.outer(self._lane_slopes, self.curve.levels(start, frames, speed))
            lanes += self._lane_offsets
            if self.tone is not None:
                out = self.tone.render_lanes(lanes[0], lanes[1])
            else:
                out = np.zeros(frames)
        if bed is not None:
            noise = bed.read(frames)
            if self.bed_breathes:
                swell = lanes[-1]
                swell *= noise
                out += swell
            else:
                out += noise * (self._bed_scale * BED_STILL)
        return out

    def _unit_ramp(self, frames: int) -> npt.NDArray[np.float64]:
        """0 .. 1 in `frames` even steps (as `np.linspace(0, 1, frames)`), kept."""
        if len(self._ramp) != frames:
            self._ramp = np.linspace(0.0, 1.0, frames)
        return self._ramp

    def _move_cursor(self, practice: float) -> None:
        self.cursor = practice
        # Phase chimes are found afresh from here; ones not yet begun are dropped.
        self._phase_voices = [v for v in self._phase_voices if v.played is not None]
        self._last_phase_chime = max((v.at for v in self._phase_voices), default=-math.inf)
        self._scanned_to = practice

    def _schedule_phase_chimes(self, until: float) -> None:
        if not self.phase_chime:
            return
        while self._scanned_to < until:
            upto = self._scanned_to + PHASE_SCAN_SECONDS
            for boundary in self.plan.boundaries_between(self._scanned_to, upto):
                if boundary <= 0.0 or boundary - self._last_phase_chime < MIN_CHIME_GAP:
                    continue
                if self._phase_changes[self.plan.state_at(boundary).segment_index]:
                    self._phase_voices.append(
                        _Voice(boundary, self._phase_wave, late_start=False, peak=PHASE_CHIME_PEAK)
                    )
                    self._last_phase_chime = boundary
            self._scanned_to = upto

    def _mix_voices(
        self,
        voices: Iterable[_Voice],
        out: npt.NDArray[np.float64],
        start: float,
        speed: float,
        running: bool,
        in_order: bool = False,
    ) -> bool:
        """Add each voice sounding in this block (onsets land on their sample);
        whether any has finished. Voices `in_order` start in the order given."""
        frames = len(out)
        finished = False
        for voice in voices:
            offset = 0
            played = voice.played
            if played is None:
                if not running:
                    continue
                offset = round((voice.at - start) * self.rate / max(speed, 1e-9))
                if offset >= frames:
                    if in_order:
                        break  # and so do all after it
                    continue
                played = 0
                if offset < 0:
                    played = -offset if voice.late_start else len(voice.wave)
                    offset = 0
            count = min(frames - offset, len(voice.wave) - played)
            if count > 0:
                out[offset : offset + count] += voice.wave[played : played + count]
                played += count
            voice.played = played
            finished = finished or played >= len(voice.wave)
        return finished

    def _advance_voices(self, frames: int) -> None:
        for voice in (*self._voices.values(), *self._phase_voices):
            if voice.played is not None:
                voice.played += frames
        self._drop_finished()

    def _drop_finished(self) -> None:
        for handle, voice in list(self._voices.items()):
            if voice.done:
                self._voices.pop(handle, None)
        self._phase_voices = [v for v in self._phase_voices if not v.done]
