"""pipeline.localcache: derived data kept between processes (city tables, the language model)."""
from __future__ import annotations

import pytest

from pipeline import localcache
from pipeline.clean import meta


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMIT_ETL_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.mark.parametrize("codec", ["json", "pickle"])
def test_built_once_then_read_back(cache, codec) -> None:
    calls = []

    def build():
        calls.append(1)
        return {"Dushanbe": "TJK", "Astana": "KAZ"}

    key = localcache.digest("inputs", b"v1")
    assert localcache.load_or_build("tables", key, build, codec) == {"Dushanbe": "TJK", "Astana": "KAZ"}
    assert localcache.load_or_build("tables", key, build, codec) == {"Dushanbe": "TJK", "Astana": "KAZ"}
    assert len(calls) == 1
    assert [p.name for p in cache.iterdir()] == [f"tables-{key}.{codec}"]  # no temporary file left

    # other inputs, other key: built again, and the stale file is dropped
    other = localcache.digest("inputs", b"v2")
    assert other != key
    localcache.load_or_build("tables", other, build, codec)
    assert len(calls) == 2 and [p.name for p in cache.iterdir()] == [f"tables-{other}.{codec}"]


@pytest.mark.parametrize("codec", ["json", "pickle"])
def test_a_damaged_file_is_rebuilt(cache, codec) -> None:
    key = localcache.digest("inputs")
    localcache.load_or_build("tables", key, lambda: [1, 2, 3], codec)
    path = localcache.path_for("tables", key, codec)
    path.write_bytes(path.read_bytes()[:7])  # a crash mid-write (before the rename, this cannot happen)
    assert localcache.load_or_build("tables", key, lambda: [4, 5], codec) == [4, 5]
    assert localcache.load_or_build("tables", key, lambda: pytest.fail("not read back"), codec) == [4, 5]


def test_a_pickles_arrays_are_mapped_from_the_file_read_only(cache) -> None:
    import pickle

    import numpy as np

    table = np.arange(40_000, dtype=np.float32).reshape(200, 200)
    value = {"table": table, "labels": ["en", "fr"], "rows": np.array([3, 1, 2])}
    key = localcache.digest("model")
    localcache.load_or_build("model", key, lambda: value, "pickle")
    back = localcache.load_or_build("model", key, lambda: pytest.fail("not read back"), "pickle")
    assert back["labels"] == ["en", "fr"]
    assert np.array_equal(back["table"], table) and back["table"].dtype == np.float32
    assert np.array_equal(back["rows"], [3, 1, 2])
    assert not back["table"].flags.writeable  # the file's pages, not a copy

    # a file of the same name in another format (an older release's plain pickle) is rebuilt
    path = localcache.path_for("model", key, "pickle")
    path.write_bytes(pickle.dumps((key, {"old": True})))
    assert localcache.load_or_build("model", key, lambda: {"rebuilt": True}, "pickle") == {"rebuilt": True}


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go", encoding="utf-8")
    monkeypatch.setenv("SUMMIT_ETL_CACHE", str(blocker / "cache"))
    calls = []
    for _ in range(2):
        assert localcache.load_or_build("tables", "k", lambda: calls.append(1) or {"a": 1}) == {"a": 1}
    assert len(calls) == 2


def test_digest_covers_file_contents(tmp_path) -> None:
    f = tmp_path / "titles.csv"
    f.write_text("title\nPresident\n", encoding="utf-8")
    before = localcache.digest(f)
    f.write_text("title\nPresident\nPremier\n", encoding="utf-8")
    assert localcache.digest(f) != before


def test_language_identifier_from_the_cache_answers_as_the_packaged_model(cache, monkeypatch) -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    texts = ["Leaders met on Tuesday to talk about trade and security in the region.",
             "Les dirigeants se sont réunis mardi pour parler du commerce et de la sécurité.",
             "Die Staats- und Regierungschefs trafen sich am Dienstag in Brüssel zum Gipfel.",
             "Лидеры встретились во вторник, чтобы обсудить торговлю и безопасность."]
    fresh = LanguageIdentifier.from_model_file(MODEL_FILE)
    expected = [fresh.classify(t)[0] for t in texts]
    assert expected == ["en", "fr", "de", "ru"]

    meta._language_identifier.cache_clear()
    try:
        assert [meta.detect_language(t) for t in texts] == expected  # built, then written
        [written] = cache.glob("langid-*.pickle")
        meta._language_identifier.cache_clear()
        monkeypatch.setattr(LanguageIdentifier, "from_model_file",
                            classmethod(lambda cls, *a, **k: pytest.fail("model unpacked again")))
        assert [meta.detect_language(t) for t in texts] == expected  # read back
        assert not meta._language_identifier().nb_ptc.flags.writeable  # its table mapped from the file
    finally:
        meta._language_identifier.cache_clear()


def test_the_cache_folder_follows_the_environment(tmp_path, monkeypatch) -> None:
    from pathlib import Path

    from pipeline.settings import cache_dir

    monkeypatch.delenv("SUMMIT_ETL_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "summit-etl"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "summit-etl"
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: (_ for _ in ()).throw(RuntimeError("no home"))))
    assert cache_dir().name == "summit-etl-cache"  # a service account without a home folder
    monkeypatch.setenv("SUMMIT_ETL_CACHE", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"
