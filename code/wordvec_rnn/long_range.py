# 本模块由 `python -m wordvec_book.export` 从章节笔记本中标记 `#@save long_range` 的代码单元生成，
# 请勿直接修改：改笔记本，再重新导出。来源：
#   chapters/05_lstm/03_long_range.ipynb

"""第 05 章「长距离依赖：RNN、GRU 与 LSTM 的比较」（chapters/05_lstm/03_long_range.ipynb）中推导并实现的代码：加法问题、
模型、初始化与训练、训练函数。
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import torch
from torch import nn

from wordvec_rnn.char_lm import CELLS
from wordvec_rnn.gates import TORCH_LSTM_GATES
from wordvec_rnn.inputs import Bool, Choice, Instance, Int, Optional, Real, Tensor, accepts, returns
from wordvec_rnn.progress import progress

# 定义于 chapters/05_lstm/03_long_range.ipynb 「长距离依赖：RNN、GRU 与 LSTM 的比较」§「加法问题」
BASELINE_MSE = 1 / 6          # 总预测常数 1 的均方误差：Var(a + b) = 2 · (1/12)，式 (eq-long-baseline)
RECENT_ONLY_MSE = 1 / 12      # 只记住第二个数、预测 b + 1/2 的均方误差：Var(a)


@accepts(B=Int(1), T=Int(2), generator=Instance(torch.Generator, "torch.Generator（如 torch.Generator().manual_seed(0)）"))
@returns(Tensor(None, None, 2), Tensor(None))
def adding_problem(B: int, T: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """加法问题的一批样本，实现式 (eq-long-input) 与 (eq-long-target)：返回 ``(X, y)``，X 形状 (B, T, 2)，y 形状 (B,)，
    都是 float32。

    第 0 通道是 [0, 1) 上独立均匀分布的数；第 1 通道是标记，恰有两个 1：第一个在前半段
    t ∈ {1, …, ⌊T/2⌋}，第二个在后半段 t ∈ {⌊T/2⌋+1, …, T}，位置都均匀地抽取。
    目标 y 是两个被标记的数之和。随机数全部取自 ``generator``：种子相同，样本相同。
    """
    values = torch.rand(B, T, generator=generator)
    half = T // 2
    first = torch.randint(0, half, (B,), generator=generator)       # 下标从 0 数：t = first + 1
    second = torch.randint(half, T, (B,), generator=generator)
    rows = torch.arange(B)
    markers = torch.zeros(B, T)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    X = torch.stack([values, markers], dim=-1)
    y = values[rows, first] + values[rows, second]
    return X, y


# 定义于 chapters/05_lstm/03_long_range.ipynb 「长距离依赖：RNN、GRU 与 LSTM 的比较」§「模型、初始化与训练」
@accepts(lstm=Instance(nn.LSTM, "torch.nn.LSTM"), value=Real())
def set_forget_bias(lstm: nn.LSTM, value: float) -> None:
    """把 ``nn.LSTM`` 遗忘门的偏置 b_f 设为 ``value``（原地修改，每一层都改），b = bias_ih + bias_hh 见式 (eq-lstm-torch-bias)。

    ``nn.LSTM`` 把四组参数按 ``TORCH_LSTM_GATES`` = (i, f, g, o) 的顺序上下堆叠，每组 m 行，遗忘门是第 m 到 2m-1 行；
    它有两个偏置 ``bias_ih`` 与 ``bias_hh``，公式里的 b 是两者之和。这里令 bias_ih 的 f 段为 ``value``、
    bias_hh 的 f 段为 0，于是 b_f = ``value``；其余参数不变。
    """
    m = lstm.hidden_size
    with torch.no_grad():
        for layer in range(lstm.num_layers):
            TORCH_LSTM_GATES.block(getattr(lstm, f"bias_ih_l{layer}"), "f", m).fill_(value)
            TORCH_LSTM_GATES.block(getattr(lstm, f"bias_hh_l{layer}"), "f", m).zero_()


class AddingModel(nn.Module):
    """加法问题的模型（(sec-long-model)）：循环层（输入 n = 2，隐藏大小 m）读完整个序列，线性层把 h_T 变成一个数，
    实现式 (eq-long-output) 的 ŷ = U h_T + b_y。

    ``cell`` 取 ``"rnn"``（tanh）、``"gru"`` 或 ``"lstm"``，即 ``nn.RNN``、``nn.GRU``、``nn.LSTM``；
    ``forget_bias`` 只对 LSTM 有意义：给出时用 ``set_forget_bias`` 设定 b_f，None 时保留 torch 的默认初始化。
    """

    @accepts(cell=Choice(*CELLS), m=Int(1), forget_bias=Optional(Real(), only_if=("cell", "lstm")))
    def __init__(self, cell: str, m: int, *, forget_bias: float | None = None):
        super().__init__()
        self.cell, self.m = cell, m
        extra = {"nonlinearity": "tanh"} if cell == "rnn" else {}
        self.rnn = CELLS[cell](2, self.m, batch_first=True, **extra)
        self.head = nn.Linear(self.m, 1)
        if forget_bias is not None:        # 只有 LSTM 才有遗忘门（声明里的 only_if）
            set_forget_bias(self.rnn, forget_bias)

    @accepts(X=Tensor("B", "T", 2))
    @returns(Tensor("B"))
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """``X``：形状 (B, T, 2) → 预测 ŷ，形状 (B,)。"""
        H, _ = self.rnn(X)                       # H[:, t-1] 是 h_t，形状 (B, T, m)
        return self.head(H[:, -1]).squeeze(-1)   # 只用最后一步的 h_T


# 定义于 chapters/05_lstm/03_long_range.ipynb 「长距离依赖：RNN、GRU 与 LSTM 的比较」§「训练函数」
@dataclass
class AddingHistory:
    """``train_adding`` 的记录（(sec-long-train)）：每步的训练损失（小批量的均方误差，式 (eq-long-output)）、
    每次验证的步数与验证集上的均方误差。"""

    cell: str
    T: int
    threshold: float
    train_loss: list[float] = field(default_factory=list)
    eval_step: list[int] = field(default_factory=list)
    val_mse: list[float] = field(default_factory=list)
    seconds: float = 0.0   # 训练与验证一共用的时间

    @property
    def solved_step(self) -> int | None:
        """验证均方误差第一次低于 ``threshold`` 的步数；从未低于时为 None。"""
        return next((s for s, v in zip(self.eval_step, self.val_mse) if v < self.threshold), None)

    @property
    def solved(self) -> bool:
        """最后一次验证的均方误差低于 ``threshold``，算作「解决」。"""
        return self.val_mse[-1] < self.threshold


@accepts(cell=Choice(*CELLS), T=Int(2), steps=Int(1), m=Int(1), B=Int(1), lr=Real(positive=True),
         max_norm=Real(positive=True), forget_bias=Optional(Real()), eval_every=Int(1), n_val=Int(1),
         threshold=Real(positive=True), seed=Int(0), show_progress=Bool())
def train_adding(cell: str, T: int, *, steps: int, m: int = 64, B: int = 32, lr: float = 2e-2,
                 max_norm: float = 1.0, forget_bias: float | None = 1.0, eval_every: int = 50,
                 n_val: int = 1000, threshold: float = 0.01, seed: int = 0,
                 show_progress: bool = True) -> tuple[AddingModel, AddingHistory]:
    """在长为 ``T`` 的加法问题上训练一个 ``AddingModel``（Adam + 梯度裁剪，(sec-long-train)），返回训练好的模型与
    ``AddingHistory``。

    每步用一个新的小批量（B 个样本，由以 ``seed`` 为种子的 torch.Generator 产生，所以同一个 ``seed`` 下
    三种模型看到完全相同的训练数据），损失是均方误差；梯度按全局范数裁剪到 ``max_norm``。
    验证集是固定的 ``n_val`` 个样本（种子 ``seed + 1``），第 0 步、每 ``eval_every`` 步与最后一步各算一次
    均方误差。模型的初始化以 ``seed`` 为种子，不改变全局的随机数状态。``forget_bias`` 只用于 LSTM。
    """
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = AddingModel(cell, m, forget_bias=forget_bias if cell == "lstm" else None)
    train_gen = torch.Generator().manual_seed(seed)
    X_val, y_val = adding_problem(n_val, T, torch.Generator().manual_seed(seed + 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = AddingHistory(cell, T, threshold)

    def evaluate(step: int) -> None:
        with torch.no_grad():
            history.eval_step.append(step)
            history.val_mse.append(((model(X_val) - y_val) ** 2).mean().item())

    tic = time.perf_counter()
    evaluate(0)
    bar = progress(total=steps, desc=f"{cell.upper()}，T = {T}") if show_progress else None
    for step in range(1, steps + 1):
        X, y = adding_problem(B, T, train_gen)
        loss = ((model(X) - y) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm)      # 梯度裁剪
        optimizer.step()
        history.train_loss.append(loss.item())
        if step % eval_every == 0 or step == steps:
            evaluate(step)
        if bar is not None:
            bar.set_postfix_str(f"验证均方误差 {history.val_mse[-1]:.4f}", refresh=False)
            bar.update(1)
    if bar is not None:
        bar.close()
    history.seconds = time.perf_counter() - tic
    return model, history
