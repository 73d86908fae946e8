"""Which real speech engines the tests can use on this machine."""

from __future__ import annotations

import pytest


def _espeak_missing() -> bool:
    from rls_companion.audio import espeak

    try:
        espeak.load()
    except espeak.EspeakProblem as problem:
        return str(problem) == espeak.NOT_INSTALLED
    return False


# The set-up installs libespeak-ng (as desktops with speech-dispatcher have
# it); on a machine where it could not, the tests of the voice it makes are
# skipped, saying why, and everything else runs.
needs_espeak = pytest.mark.skipif(
    _espeak_missing(), reason="libespeak-ng is not installed (packaging/system-deps.sh)"
)
