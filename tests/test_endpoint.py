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
