"""wordvec_rnn.long_range（第 05 章「长距离依赖」导出）：加法问题的数据、模型、遗忘门偏置与训练记录。"""

import pytest
import torch
from torch import nn

from wordvec_rnn.long_range import (
    BASELINE_MSE,
    RECENT_ONLY_MSE,
    AddingHistory,
    AddingModel,
    adding_problem,
    set_forget_bias,
    train_adding,
)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("T", [2, 3, 10, 11])
def test_adding_problem_markers_and_target(T):
    X, y = adding_problem(50, T, gen())
    assert X.shape == (50, T, 2) and y.shape == (50,)
    values, markers = X[..., 0], X[..., 1]
    half = T // 2
    assert torch.all((values >= 0) & (values < 1))
    assert torch.all(markers[:, :half].sum(1) == 1) and torch.all(markers[:, half:].sum(1) == 1)
    assert set(markers.unique().tolist()) <= {0.0, 1.0}
    assert torch.allclose((values * markers).sum(1), y)


def test_adding_problem_is_reproducible_and_baselines():
    X1, y1 = adding_problem(8, 6, gen(3))
    X2, y2 = adding_problem(8, 6, gen(3))
    assert torch.equal(X1, X2) and torch.equal(y1, y2)
    assert not torch.equal(X1, adding_problem(8, 6, gen(4))[0])
    _, y = adding_problem(50_000, 4, gen(1))
    assert abs(((y - 1) ** 2).mean().item() - BASELINE_MSE) < 0.005
    assert BASELINE_MSE == pytest.approx(1 / 6) and RECENT_ONLY_MSE == pytest.approx(1 / 12)


@pytest.mark.parametrize("call, name", [
    (lambda: adding_problem(4, 1, gen()), "T"),
    (lambda: adding_problem(0, 5, gen()), "B"),
    (lambda: adding_problem(4, 5, 0), "generator"),
    (lambda: AddingModel("elman", 4), "cell"),
    (lambda: AddingModel("rnn", 0), "m"),
    (lambda: AddingModel("gru", 4, forget_bias=1.0), "forget_bias"),
    (lambda: AddingModel("rnn", 4)(torch.zeros(2, 5, 3)), "X"),
    (lambda: AddingModel("rnn", 4)(torch.zeros(2, 5, 2, dtype=torch.int64)), "X"),
    (lambda: set_forget_bias(nn.RNN(2, 4), 1.0), "lstm"),
    (lambda: set_forget_bias(nn.LSTM(2, 4), float("nan")), "value"),
    (lambda: train_adding("rnn", 5, steps=0), "steps"),
    (lambda: train_adding("rnn", 1, steps=1), "T"),
    (lambda: train_adding("rnn", 5, steps=1, lr=0.0), "lr"),
    (lambda: train_adding("rnn", 5, steps=1, max_norm=-1.0), "max_norm"),
    (lambda: train_adding("rnn", 5, steps=1, threshold=0.0), "threshold"),
    (lambda: train_adding("rnn", 5, steps=1, eval_every=0), "eval_every"),
])
def test_bad_inputs_name_the_argument(call, name):
    with pytest.raises(ValueError, match=f"参数 `{name}`"):
        call()


def test_set_forget_bias_sets_only_the_f_block():
    lstm = nn.LSTM(2, 5, num_layers=2)
    before = {name: p.detach().clone() for name, p in lstm.named_parameters()}
    set_forget_bias(lstm, 1.5)
    for layer in range(2):
        b = getattr(lstm, f"bias_ih_l{layer}") + getattr(lstm, f"bias_hh_l{layer}")
        assert torch.allclose(b[5:10], torch.full((5,), 1.5))                 # (i, f, g, o)：第 m 到 2m-1 行
        for name in (f"bias_ih_l{layer}", f"bias_hh_l{layer}"):
            p = getattr(lstm, name)
            assert torch.equal(p[:5], before[name][:5]) and torch.equal(p[10:], before[name][10:])
    assert all(torch.equal(p, before[n]) for n, p in lstm.named_parameters() if "weight" in n)


@pytest.mark.parametrize("cell, ratio", [("rnn", 1), ("gru", 3), ("lstm", 4)])
def test_model_shapes_and_parameter_counts(cell, ratio):
    model = AddingModel(cell, 6)
    assert model(torch.zeros(3, 7, 2)).shape == (3,)
    n_rnn = 6 * 2 + 6 * 6 + 2 * 6
    assert sum(p.numel() for p in model.rnn.parameters()) == ratio * n_rnn


def test_model_uses_only_the_last_hidden_state():
    model = AddingModel("lstm", 4, forget_bias=1.0)
    X = torch.rand(2, 6, 2)
    H, _ = model.rnn(X)
    assert torch.allclose(model(X), model.head(H[:, -1]).squeeze(-1))


def test_train_adding_records_and_is_deterministic():
    state = torch.random.get_rng_state()
    model, h = train_adding("lstm", 6, steps=5, m=4, B=4, eval_every=2, n_val=16, show_progress=False)
    assert torch.equal(torch.random.get_rng_state(), state)                  # 不改变全局的随机数状态
    assert isinstance(model, AddingModel) and model.cell == "lstm"
    assert h.eval_step == [0, 2, 4, 5] and len(h.val_mse) == 4 and len(h.train_loss) == 5
    assert h.cell == "lstm" and h.T == 6 and h.seconds > 0
    _, again = train_adding("lstm", 6, steps=5, m=4, B=4, eval_every=2, n_val=16, show_progress=False)
    assert again.val_mse == h.val_mse and again.train_loss == h.train_loss
    _, other = train_adding("lstm", 6, steps=5, m=4, B=4, eval_every=2, n_val=16, seed=1, show_progress=False)
    assert other.val_mse != h.val_mse


def test_same_seed_gives_the_same_validation_set_for_every_cell():
    initial = {}
    for cell in ("rnn", "gru"):
        model, h = train_adding(cell, 5, steps=1, m=3, B=2, n_val=8, show_progress=False)
        initial[cell] = h.val_mse[0]
    X_val, y_val = adding_problem(8, 5, gen(1))                               # 验证集：种子 seed + 1
    with torch.random.fork_rng():
        torch.manual_seed(0)
        fresh = AddingModel("gru", 3)
    with torch.no_grad():
        assert ((fresh(X_val) - y_val) ** 2).mean().item() == pytest.approx(initial["gru"])


def test_solved_step_and_solved():
    h = AddingHistory("gru", 10, 0.01, eval_step=[0, 50, 100, 150], val_mse=[1.0, 0.2, 0.005, 0.02])
    assert h.solved_step == 100 and not h.solved
    h.val_mse[-1] = 0.001
    assert h.solved
    assert AddingHistory("rnn", 10, 0.01, eval_step=[0, 50], val_mse=[1.0, 0.17]).solved_step is None
