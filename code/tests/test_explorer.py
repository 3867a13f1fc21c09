"""wordvec_rnn.explorer、explorer_widgets 与 word_maps：词向量探索器的数据、还原、拼写相近的词、地图与两种界面。"""

from __future__ import annotations

import base64
import html
import json
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from test_word2vec_train import topic_corpus
from wordvec_rnn.explorer import StaticExplorer, closest_spellings, explorer_data, explorer_result, quantise, word_explorer
from wordvec_rnn.explorer_widgets import live_explorer, unknown_word_message
from wordvec_rnn.plotting import use_book_style
from wordvec_rnn.word2vec_eval import analogy, most_similar
from wordvec_rnn.word2vec_train import train_word2vec
from wordvec_rnn.word_maps import draw_word_map, map_coordinates

SNAPSHOTS = [0, 2_000, 6_000, 10**9]


@pytest.fixture(scope="module")
def models():
    return {model: train_word2vec(topic_corpus(), model=model, dim=12, window=2, min_count=1, epochs=2,
                                  subsample=None, snapshot_tokens=SNAPSHOTS, chunk_tokens=1000, show_progress=False)
            for model in ("skipgram", "cbow")}


@pytest.fixture(scope="module")
def data(models):
    return explorer_data(models, n_words=16, map_words=10, example_word="cat",
                         example_analogy=["cat", "dog", "car", "bus"])


def test_snapshots_are_taken_at_chunk_ends_and_do_not_change_training(models):
    result = models["skipgram"]
    tokens = [n for n, _ in result.snapshots]
    assert tokens[0] == 0 and tokens[-1] == result.loss_tokens[-1] and tokens == sorted(set(tokens))
    assert all(any(n >= want for n in tokens) for want in SNAPSHOTS[:-1])
    assert np.array_equal(result.snapshots[-1][1], result.center_vectors)
    assert not np.array_equal(result.snapshots[0][1], result.center_vectors)
    plain = train_word2vec(topic_corpus(), dim=12, window=2, min_count=1, epochs=2, subsample=None, chunk_tokens=1000,
                           show_progress=False)
    assert np.array_equal(plain.center_vectors, result.center_vectors) and plain.snapshots == []


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 9), st.integers(0, 2**32 - 1))
def test_quantise_keeps_each_row_within_half_a_step(n, d, seed):
    X = np.random.default_rng(seed).normal(size=(n, d)) * 10.0 ** np.random.default_rng(seed).integers(-3, 3)
    X[0] = 0.0
    codes = quantise(X)
    assert codes.dtype == np.int8 and not codes[0].any()
    peak = np.abs(X).max(axis=1, keepdims=True)
    assert np.all(np.abs(codes[1:] * peak[1:] / 127 - X[1:]) <= peak[1:] / 254 * (1 + 1e-9))
    assert np.all(np.abs(codes[1:]).max(axis=1) == 127)


def test_explorer_result_is_the_quantised_vectors_of_the_most_frequent_words(models, data):
    result = explorer_result(data, "cbow")
    assert result.vocab.tokens[2:] == data["words"] == models["cbow"].vocab.tokens[2:18]
    expected = quantise(models["cbow"].center_vectors[2:18])
    assert np.array_equal(result.center_vectors[2:], expected) and not result.center_vectors[:2].any()
    # 取整只差半格：最近邻与全精度的几乎一样
    exact = {w for w, _ in most_similar(models["cbow"], "cat", 3)}
    assert exact & {w for w, _ in most_similar(result, "cat", 3)}
    with pytest.raises(ValueError, match="`model`"):
        explorer_result(data, "glove")


def test_data_is_json_with_a_map_per_model_that_has_snapshots(models, data):
    assert json.loads(json.dumps(data)) == data
    assert [m["model"] for m in data["maps"]] == ["skipgram", "cbow"]
    for entry in data["maps"]:
        assert entry["tokens"] == [n for n, _ in models[entry["model"]].snapshots]
        for method in ("pca", "tsne"):
            frames = np.array(entry[method])
            assert frames.shape == (len(entry["tokens"]), 2 * 10) and frames.min() == 0 and frames.max() == 999
    codes = base64.b64decode(data["models"][0]["codes"])
    assert len(codes) == 16 * 12
    without = {k: v for k, v in models.items() if k == "cbow"}
    without["cbow"] = train_word2vec(topic_corpus(), model="cbow", dim=12, window=2, min_count=1, subsample=None,
                                     show_progress=False)
    assert explorer_data(without, n_words=16, map_words=10, example_word="cat",
                         example_analogy=["cat", "dog", "car", "bus"])["maps"] == []


def test_explorer_data_rejects_bad_requests(models):
    with pytest.raises(ValueError, match="`map_words`"):
        explorer_data(models, n_words=5, map_words=6, example_word="cat", example_analogy=["cat", "dog", "car", "bus"])
    with pytest.raises(ValueError, match="`example_word`"):
        explorer_data(models, n_words=16, map_words=4, example_word="北京", example_analogy=["cat", "dog", "car", "bus"])
    other = train_word2vec([["x", "y"]] * 20, dim=12, min_count=1, subsample=None, show_progress=False)
    with pytest.raises(ValueError, match="`models`"):
        explorer_data({"skipgram": models["skipgram"], "other": other}, n_words=4, map_words=4)


def test_closest_spellings_by_edit_distance_then_frequency():
    words = ["北京", "北方", "东京", "水平", "北京市"]
    assert closest_spellings(words, "北平", 3) == ["北京", "北方", "水平"]
    assert closest_spellings(words, "北京", 2) == ["北京", "北方"]
    assert closest_spellings(words, "南京市", 1) == ["北京市"]


def test_unknown_word_message_names_the_first_unknown_word(data):
    assert unknown_word_message(data, ["cat", "dog"]) is None
    message = unknown_word_message(data, ["cat", "cot", "kat"])
    assert message.startswith("「cot」不在最常见的 16 个词里。拼写相近的词：「cat」")


def test_map_coordinates_are_aligned_to_the_last_snapshot():
    rng = np.random.default_rng(0)
    final = rng.normal(size=(30, 5))
    Q, _ = np.linalg.qr(rng.normal(size=(5, 5)))
    # 第一份是最后一份转了一下：PCA 的地图（对齐以后）与最后一幅相同
    coords = map_coordinates(np.stack([final @ Q, final]), "pca")
    assert coords.shape == (2, 30, 2)
    np.testing.assert_allclose(coords[0], coords[1], atol=1e-9)
    np.testing.assert_allclose((coords[1] ** 2).sum(axis=1).mean(), 1.0)
    with pytest.raises(ValueError, match="`snapshots`"):
        map_coordinates(final[None, :3], "pca")


def test_word_map_labels_never_overlap():
    use_book_style()   # 中文标签用随包的字体（笔记本开头都调用它）
    coords = np.random.default_rng(1).normal(size=(120, 2))
    fig = draw_word_map(coords, [f"词{i}" for i in range(120)], title="地图")
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts]
    assert 0 < len(boxes) < 120
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    plt.close(fig)
    with pytest.raises(ValueError, match="`words`"):
        draw_word_map(coords, ["一"], title="地图")


def test_static_explorer_html_carries_the_data_and_disabled_controls(data, monkeypatch):
    monkeypatch.setenv("WORDVEC_RNN_STATIC_SLIDERS", "1")
    explorer = word_explorer(data)
    assert isinstance(explorer, StaticExplorer)
    page = explorer._repr_html_()
    embedded = re.search(r'<script type="application/json" class="book-explorer-data">(.*?)</script>', page, re.S)
    assert json.loads(embedded.group(1)) == data and explorer.nbytes == len(embedded.group(1).encode())
    assert page.count(" disabled") >= 8 and 'value="cat"' in page and "<noscript>" in page


def test_live_explorer_answers_with_the_package_functions(data, monkeypatch):
    monkeypatch.delenv("WORDVEC_RNN_STATIC_SLIDERS", raising=False)
    ui = word_explorer(data)
    neighbours, analogies, the_map = ui.children
    first_table = html.unescape(neighbours.children[1].value).split("\n\n")[0]
    rounded = explorer_result(data, "skipgram")
    assert re.findall(r"^ +\d+  (\S+)  ", first_table, re.M) == [w for w, _ in most_similar(rounded, "cat", 10)]
    ranked = [w for w, _ in analogy(rounded, "cat", "dog", "car", topn=10)]
    assert f"「bus」在 {len(data['words']) - 3} 个候选词中排第 {ranked.index('bus') + 1}" in analogies.children[1].value
    boxes = neighbours.children[0].children[0]
    boxes.value = "cot"
    assert neighbours.children[1].value.startswith("<pre>「cot」不在最常见的")
    assert [c.description for c in the_map.children[:3]] == ["模型", "投影", "训练进度"]
    assert live_explorer(data).children[2].children[2].value == len(data["maps"][0]["tokens"]) - 1
    plt.close("all")
