from voice_mock.audio.endpoint import FINISHED, MAX_LENGTH, NO_SPEECH, EndpointDetector, EndpointSettings

FRAME = 0.032


def run(probs, **kw):
    d = EndpointDetector(EndpointSettings(**kw), FRAME)
    for i, p in enumerate(probs):
        reason = d.update(p)
        if reason:
            return reason, (i + 1) * FRAME, d
    return None, len(probs) * FRAME, d


def frames(seconds, p):
    return [p] * int(round(seconds / FRAME))


def test_ends_after_silence_following_speech():
    reason, t, d = run(frames(1.0, 0.0) + frames(9.0, 0.9) + frames(10, 0.0), end_silence_s=2.5)
    assert reason == FINISHED
    assert abs(t - (10.0 + 2.5)) < 2 * FRAME
    assert abs(d.first_speech_s - 1.0) < 2 * FRAME


def test_thinking_pause_shorter_than_the_limit_does_not_end():
    probs = frames(2.0, 0.9) + frames(2.0, 0.0) + frames(2.0, 0.9) + frames(1.0, 0.0)
    reason, _, _ = run(probs, end_silence_s=2.5)
    assert reason is None


def test_click_does_not_start_the_answer():
    probs = frames(0.064, 0.9) + frames(5.0, 0.0)
    reason, _, d = run(probs, end_silence_s=2.5, no_speech_timeout_s=4.0)
    assert not d.started and reason == NO_SPEECH


def test_no_speech_timeout_and_max_length():
    assert run(frames(30, 0.0), no_speech_timeout_s=20)[0] == NO_SPEECH
    reason, t, _ = run(frames(200, 0.9), max_answer_s=180)
    assert reason == MAX_LENGTH and abs(t - 180) < 2 * FRAME


def test_early_thinking_pause_needs_a_longer_silence():
    # "My greatest weakness... (4 s) ...is": not finished after 2 s of speech.
    probs = frames(2.0, 0.9) + frames(4.0, 0.0) + frames(10.0, 0.9) + frames(3.0, 0.0)
    reason, t, _ = run(probs, end_silence_s=2.5, early_speech_s=8.0, early_end_silence_s=5.0)
    assert reason == FINISHED and abs(t - (16.0 + 2.5)) < 2 * FRAME
    reason, t, _ = run(frames(2.0, 0.9) + frames(6.0, 0.0), end_silence_s=2.5, early_end_silence_s=5.0)
    assert reason == FINISHED and abs(t - 7.0) < 2 * FRAME


class Judge:
    """Stands in for the end-of-turn decision: a fixed wait per silence, recorded calls."""

    def __init__(self, wait_s):
        self.wait_s = wait_s
        self.calls = []

    def __call__(self, silence_s, spoken_s):
        self.calls.append((silence_s, spoken_s))
        return type("Decision", (), {"wait_s": self.wait_s, "verdict": "finished", "reason": "test"})()


def test_a_judge_decides_how_long_the_silence_must_last():
    probs = frames(1.0, 0.0) + frames(9.0, 0.9) + frames(10, 0.0)
    judge = Judge(0.7)
    d = EndpointDetector(EndpointSettings(end_silence_s=6.0), FRAME, judge=judge)
    for p in probs:
        if d.update(p):
            break
    assert d.silence_s() < 1.0 and d.decision.reason == "test"
    assert judge.calls and all(silence > 0 for silence, _ in judge.calls)  # asked only in silences
    assert abs(judge.calls[-1][1] - 9.0) < 2 * FRAME  # spoken time: first speech to the silence


def test_the_upper_bound_caps_the_judge():
    probs = frames(9.0, 0.9) + frames(10, 0.0)
    d = EndpointDetector(EndpointSettings(end_silence_s=2.0), FRAME, judge=Judge(9.0))
    ended_at = None
    for i, p in enumerate(probs):
        if d.update(p):
            ended_at = i
            break
    assert ended_at is not None and abs(d.silence_s() - 2.0) < 2 * FRAME
