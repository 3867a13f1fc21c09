"""输入检查曾经放过、给出静默错误结果的调用：每个都要么得到正确的有限结果，要么是点名参数的 ValueError。"""

import numpy as np
import pytest

from wordvec_rnn.negative_sampling import NoiseSampler, neg_sampling_loss_and_gradient, noise_distribution


def test_noise_distribution_with_a_large_power_stays_a_distribution():
    probs = noise_distribution(np.array([1, 2, 5, 0]), power=400.0)
    assert np.isfinite(probs).all() and probs.sum() == pytest.approx(1.0)
    assert probs.argmax() == 2 and probs[3] == 0.0
    assert np.isfinite(NoiseSampler(np.array([1, 2, 5]), power=400.0).cdf).all()


def test_negative_sampling_rejects_nan_in_the_outside_vectors():
    U = np.zeros((4, 3))
    U[2, 1] = np.nan
    with pytest.raises(ValueError, match="参数 `outside_vectors`：期望不含 NaN"):
        neg_sampling_loss_and_gradient(np.ones(3), 0, np.array([1, 2]), U)


def test_word2vec_keep_probability_needs_a_positive_threshold():
    from wordvec_rnn.word2vec_train import keep_probability_word2vec

    with pytest.raises(ValueError, match="参数 `threshold`：期望正实数"):
        keep_probability_word2vec(np.array([5, 1, 0]), 0.0)


def test_spearman_rejects_nan_and_constant_inputs():
    from wordvec_rnn.word2vec_eval import spearman

    with pytest.raises(ValueError, match="参数 `x`：期望不含 NaN"):
        spearman(np.array([1.0, np.nan, 3.0]), np.array([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="参数 `y`：期望至少 2 个、不全相同的数"):
        spearman(np.array([1.0, 2.0, 3.0]), np.array([4.0, 4.0, 4.0]))


def test_most_similar_rejects_a_word_whose_vector_is_zero():
    from wordvec_rnn.vocab import Vocab
    from wordvec_rnn.word2vec_eval import most_similar
    from wordvec_rnn.word2vec_train import Word2VecResult

    vocab = Vocab([["猫", "狗", "鱼"]])
    vectors = np.ones((len(vocab), 2))
    vectors[vocab["鱼"]] = 0.0
    result = Word2VecResult.from_vectors(vocab, vectors)
    assert [w for w, _ in most_similar(result, "猫")] == ["狗", "鱼"]
    with pytest.raises(ValueError, match="参数 `word`：期望词向量不为零的词"):
        most_similar(result, "鱼")


@pytest.mark.parametrize("label", [2.0, float("nan")])
def test_batch_updates_reject_labels_other_than_0_and_1(label):
    from wordvec_rnn.word2vec_batch import skipgram_batch_update

    V, U = np.full((4, 2), 0.1, dtype=np.float32), np.zeros((4, 2), dtype=np.float32)
    labels = np.array([[1.0, label]])
    with pytest.raises(ValueError, match="参数 `labels`"):
        skipgram_batch_update(V, U, np.array([[1, 2]]), np.ones((1, 2), bool), np.array([[0, 3]]), labels,
                              np.ones((1, 2)), 0.1)


def test_rnn_weights_must_be_floats():
    from wordvec_rnn.rnn import init_rnn_params

    with pytest.raises(ValueError, match="参数 `dtype`"):
        init_rnn_params(3, 4, 5, np.random.default_rng(0), dtype=np.int64)   # 曾经得到全 0 的整数权重
    assert init_rnn_params(3, 4, 5, np.random.default_rng(0), dtype=np.float32)["W"].dtype == np.float32


def test_rnn_cross_entropy_takes_probabilities_and_the_logits_version_stays_finite():
    from wordvec_rnn.rnn import cross_entropy, cross_entropy_from_logits

    targets = np.array([[0, 1]])
    with pytest.raises(ValueError, match="参数 `Y_hat`：期望概率"):
        cross_entropy(np.array([[[2.0, -1.0], [0.5, 0.5]]]), targets)          # 曾经给出负的损失
    with pytest.raises(ValueError, match="参数 `Y_hat`：期望沿最后一维和为 1"):
        cross_entropy(np.array([[[0.2, 0.2], [0.5, 0.5]]]), targets)
    S = np.array([[[0.0, 800.0], [0.0, 0.0]]])                                   # 第 1 步：正确的词落后 800
    assert cross_entropy_from_logits(S, targets) == pytest.approx(800.0 + np.log(2.0))
    E = np.exp(S - S.max(axis=-1, keepdims=True))
    with np.errstate(divide="ignore"):                                           # 概率下溢成 0：只能是 inf
        assert np.isinf(cross_entropy(E / E.sum(axis=-1, keepdims=True), targets))


def test_one_hot_accepts_int32_ids():
    from wordvec_rnn.rnn import one_hot

    assert np.array_equal(one_hot(np.array([2, 0], dtype=np.int32), 3), np.eye(3)[[2, 0]])


def test_tiny_temperature_gives_the_greedy_distribution_not_nan():
    import torch

    from wordvec_rnn.char_lm import CharLM, next_char_probs

    torch.manual_seed(0)
    model = CharLM(6, 3, 4)
    probs, _ = next_char_probs(model, np.array([2, 3]), temperature=1e-310)      # 曾经全是 NaN
    greedy, _ = next_char_probs(model, np.array([2, 3]), temperature=1.0)
    assert torch.isfinite(probs).all() and probs.sum().item() == pytest.approx(1.0)
    assert probs.argmax() == greedy.argmax() and probs.max().item() == 1.0
    with pytest.raises(ValueError, match="参数 `temperature`"):
        next_char_probs(model, np.array([2]), temperature=0.0)


def test_chunks_and_detach_state_name_bad_arguments():
    import torch

    from wordvec_rnn.char_lm import chunks, detach_state

    with pytest.raises(ValueError, match="参数 `T`"):
        chunks(torch.zeros(2, 5, dtype=torch.int64), 0)                          # 曾经在第一次 next 时才报错
    with pytest.raises(ValueError, match="参数 `data`"):
        chunks(np.zeros((2, 5), dtype=np.int64), 2)                              # 曾经是 AttributeError 以外的原始异常
    with pytest.raises(ValueError, match="参数 `state`"):
        detach_state([torch.zeros(1, 2, 3)])                                     # 曾经是 AttributeError
    h, c = detach_state((torch.zeros(1, 2, 3, requires_grad=True), torch.ones(1, 2, 3)))
    assert not h.requires_grad and c.shape == (1, 2, 3)


def test_int32_ids_work_in_the_char_lm():
    import torch

    from wordvec_rnn.char_lm import CharLM, perplexity

    torch.manual_seed(0)
    model = CharLM(6, 3, 4)
    ids = torch.tensor([[2, 3, 4]], dtype=torch.int32)
    assert torch.equal(model(ids)[0], model(ids.long())[0])
    assert perplexity(model, ids) == pytest.approx(perplexity(model, ids.long()))


def test_char_lm_helpers_take_any_module_with_the_same_interface():
    import torch
    from torch import nn

    from wordvec_rnn.char_lm import batchify, perplexity, sample, train_char_lm
    from wordvec_rnn.vocab import Vocab

    class TinyGRU(nn.Module):                                                    # 不是 CharLM，调用方式相同
        def __init__(self, vocab_size):
            super().__init__()
            self.vocab_size = vocab_size
            self.embedding, self.rnn = nn.Embedding(vocab_size, 3), nn.GRU(3, 4, batch_first=True)
            self.output = nn.Linear(4, vocab_size)

        def forward(self, ids, state=None):
            H, state = self.rnn(self.embedding(ids), state)
            return self.output(H), state

    torch.manual_seed(0)
    vocab = Vocab([list("北京天")])
    model = TinyGRU(len(vocab))
    data = batchify(np.arange(40) % len(vocab), 2)
    history = train_char_lm(model, data, data, T=4, steps=3, show_progress=False)
    assert history.steps == 3 and np.isfinite(perplexity(model, data))
    assert sample(model, vocab, "北", 5, generator=torch.Generator().manual_seed(0)).startswith("北")
    with pytest.raises(ValueError, match="参数 `model`"):
        perplexity(nn.Linear(2, 2), data)                                        # 没有 vocab_size


def test_half_precision_parameters_are_rejected_by_name():
    from wordvec_rnn.rnn import init_rnn_params, rnn_to_torch

    params = {k: v.astype(np.float16) for k, v in init_rnn_params(3, 4, 5, np.random.default_rng(0)).items()}
    with pytest.raises(ValueError, match=r"参数 `params\[\"V\"\]`：期望浮点（float32 或 float64）类型的数组"):
        rnn_to_torch(params)


def test_char_lm_state_must_have_the_models_precision():
    import torch

    from wordvec_rnn.char_lm import CharLM

    model = CharLM(5, 3, 4, "lstm")
    state = tuple(torch.zeros(1, 2, 4, dtype=torch.float64) for _ in range(2))
    with pytest.raises(ValueError, match=r"参数 `state\[0\]`：期望 dtype 为 torch.float32 的张量"):
        model(torch.zeros(2, 3, dtype=torch.int64), state)
