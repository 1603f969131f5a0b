import json

import pytest

from voice_mock.errors import UsageError
from voice_mock.review.session import SessionError, Store, load_session, write_json_atomic


def make_session(store, name="20260101-000000-demo"):
    path = store.sessions_dir / name
    path.mkdir(parents=True)
    write_json_atomic(path / "session.json", {"answers": [{"index": 1, "question_id": "q", "folder": "q01-q"}]})
    (path / "q01-q").mkdir()
    write_json_atomic(path / "q01-q" / "feedback.json", {"scores": {"overall": 70}})
    return path


def test_resolve_by_id_latest_and_folder(tmp_path):
    store = Store(tmp_path)
    a = make_session(store, "20260101-000000-demo")
    b = make_session(store, "20260102-000000-demo")
    assert store.resolve("20260101-000000-demo") == a
    assert store.resolve("latest") == b
    assert store.resolve(str(a)) == a


@pytest.mark.parametrize("ref", ["../../etc", "/etc", "..", "x/../../.."])
def test_ids_never_escape_the_data_dir(tmp_path, ref):
    store = Store(tmp_path / "data")
    make_session(store)
    with pytest.raises((UsageError, SessionError)):
        store.resolve(ref)


def test_missing_session_and_empty_dir(tmp_path):
    store = Store(tmp_path)
    with pytest.raises(SessionError, match="no sessions yet"):
        store.resolve("latest")
    with pytest.raises(SessionError, match="no session 'nope'"):
        store.resolve("nope")


def test_corrupt_answer_file_is_reported_not_fatal(tmp_path):
    store = Store(tmp_path)
    path = make_session(store)
    (path / "q01-q" / "feedback.json").write_text("{not json")
    session = load_session(path)
    assert session["answers"][0]["feedback"] is None
    assert any("feedback.json: corrupt JSON" in p for p in session["answers"][0]["problems"])


def test_atomic_write_leaves_no_temp_files(tmp_path):
    write_json_atomic(tmp_path / "x.json", {"a": 1})
    assert json.loads((tmp_path / "x.json").read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_unwritable_data_dir(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(SessionError, match="cannot write to the data dir"):
        Store(blocker / "sub").ensure_writable()
