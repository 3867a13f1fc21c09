import pytest

from wordvec_rnn import corpora


def test_peoples_daily_is_the_segmented_january_1998_text():
    lines = corpora.peoples_daily()
    assert len(lines) == 19484 and sum(map(len, lines)) == 948400
    assert lines[0][:6] == ["迈向", "充满", "希望", "的", "新", "世纪"]
    with_punctuation = corpora.peoples_daily(keep_punctuation=True)
    assert sum(map(len, with_punctuation)) == 1121447
    lines[0].clear()  # 调用方改动返回的列表，不会改坏缓存
    assert corpora.peoples_daily()[0][0] == "迈向"


def test_wordsim353():
    pairs = corpora.wordsim353()
    assert len(pairs) == 353 and pairs[1] == ("tiger", "cat", 7.35)
    assert all(0 <= score <= 10 for _, _, score in pairs)


def test_english_wiki_articles():
    two = corpora.english_wiki(max_articles=2)
    assert len(two) == 2 and two[0][:3] == ["anarchism", "is", "political"]
    with pytest.raises(ValueError, match="参数 `max_articles`"):
        corpora.english_wiki(max_articles=0)


def test_missing_package_says_what_to_install():
    with pytest.raises(ModuleNotFoundError, match="pip install no_such_corpus_package"):
        corpora.package_file("no_such_corpus_package", "data.txt")
    with pytest.raises(FileNotFoundError, match="没有数据文件"):
        corpora.package_file("gensim", "test", "test_data", "no-such-file.txt")


def test_disk_cache_rebuilds_when_the_source_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = tmp_path / "data.txt"
    source.write_text("a")
    calls = []

    def build():
        calls.append(1)
        return ("parsed", len(calls))

    assert corpora.disk_cached("toy", source, build) == ("parsed", 1)
    assert corpora.disk_cached("toy", source, build) == ("parsed", 1)   # 读缓存，不重建
    source.write_text("ab")
    assert corpora.disk_cached("toy", source, build) == ("parsed", 2)   # 源文件变了：重建
    assert (tmp_path / "cache" / "wordvec_rnn" / "toy.pickle").exists()


def test_disk_cache_works_without_a_writable_directory(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))   # 缓存目录建不起来
    source = tmp_path / "data.txt"
    source.write_text("a")
    assert corpora.disk_cached("toy", source, lambda: 42) == 42


def test_corpus_counts_add_up():
    from wordvec_rnn.vocab import Vocab

    sentences = [["我", "爱", "北京"], ["我", "爱", "学习"], ["北京", "是", "首都"]]
    counts = corpora.corpus_counts(Vocab(sentences, min_count=2))
    assert (counts.tokens, counts.sentences, counts.vocab_size, counts.in_vocab, counts.unk) == (9, 3, 5, 6, 3)
    assert counts.with_unk_and_eos == 12
    with pytest.raises(ValueError, match="参数 `vocab`"):
        corpora.corpus_counts(sentences)
