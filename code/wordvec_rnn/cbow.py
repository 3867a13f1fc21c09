# 本模块由 `python -m wordvec_book.export` 从章节笔记本中标记 `#@save cbow` 的代码单元生成，
# 请勿直接修改：改笔记本，再重新导出。来源：
#   chapters/01_word2vec/02_cbow.ipynb

"""第 01 章「连续词袋（CBOW）」（chapters/01_word2vec/02_cbow.ipynb）中推导并实现的代码：实现、与跳元模型比较。"""

import numpy as np

from wordvec_rnn.inputs import Int, NDArray, Real, Rng, Str, accepts, returns
from wordvec_rnn.skipgram import SENTENCES, flatten_sentences, log_softmax, minibatch_sgd

# 定义于 chapters/01_word2vec/02_cbow.ipynb 「连续词袋（CBOW）」§「实现」
TABLES = {"center_vectors": NDArray("V", "d"), "outside_vectors": NDArray("V", "d")}  # 两张 (V, d) 的词向量表


@accepts(**TABLES, context_idx=NDArray(None, dtype="int", below="V"), center_idx=Int(0, below="V"))
@returns(Real(), NDArray("V", "d"), NDArray("V", "d"))
def cbow_loss_and_gradient(context_idx, center_idx, center_vectors, outside_vectors):
    """一个窗口的 CBOW 损失 J = -log P(w_t | 上下文)（完整的 softmax）及其梯度：实现式 (eq-cbow-vbar)、
    (eq-cbow-loss)、(eq-cbow-grad-count) 与 (eq-cbow-grad-U)。

    - ``context_idx``：形状 (2a,) 的整数数组，窗口里 2a 个上下文词的编号（可以重复）；
    - ``center_idx``：中心词 w_t 的编号；
    - ``center_vectors``：输入一侧的词向量，形状 (V, d)，第 w 行是 v_w；
    - ``outside_vectors``：输出一侧的词向量矩阵 U，形状 (V, d)，第 w 行是 u_wᵀ。

    返回 ``(loss, grad_center_vectors, grad_outside)``，两个梯度的形状都是 (V, d)：词 w 在窗口里出现 n 次，
    grad_center_vectors 的第 w 行就是 n · (1/2a) Uᵀ(ŷ - y) 的转置，不在窗口里的词为 0；
    grad_outside = ∂J/∂U = (ŷ - y) v̄ᵀ，第 w 行是 (ŷ_w - y_w) v̄ᵀ。
    """
    c = center_idx
    v_bar = center_vectors[context_idx].mean(axis=0)         # v̄ = (1/2a) Σ_j v_{w_{t+j}}
    log_y_hat = log_softmax(outside_vectors @ v_bar)         # log softmax(U v̄)
    loss = -log_y_hat[c]
    delta = np.exp(log_y_hat)                                # ŷ
    delta[c] -= 1.0                                          # ŷ - y，y 是中心词的独热向量
    grad_v_bar = outside_vectors.T @ delta                   # ∂J/∂v̄ = Uᵀ(ŷ - y)
    grad_center_vectors = np.zeros_like(center_vectors)
    np.add.at(grad_center_vectors, context_idx, grad_v_bar / len(context_idx))  # 每个位置一份 (1/2a) Uᵀ(ŷ - y)
    grad_outside = np.outer(delta, v_bar)                    # (ŷ - y) v̄ᵀ：第 w 行 (ŷ_w - y_w) v̄ᵀ
    return float(loss), grad_center_vectors, grad_outside


# 一批窗口（见 (sec-cbow-impl)）：context_idx 形状 (B, 2a)、center_idx 形状 (B,)，编号都在两张表的范围内
BATCH = {**TABLES, "context_idx": NDArray("B", None, dtype="int", below="V"),
         "center_idx": NDArray("B", dtype="int", below="V")}


@accepts(**BATCH)
@returns(Real(), NDArray("V", "d"), NDArray("V", "d"))
def cbow_batch_loss_and_gradient(context_idx, center_idx, center_vectors, outside_vectors):
    """一批 B 个窗口的 CBOW 平均损失 (1/B) Σ_i -log P(w_{t_i} | 上下文_i) 及其梯度（向量化，不逐窗口循环）：
    对每个窗口实现式 (eq-cbow-grad-count) 与 (eq-cbow-grad-U)，再取平均，同式 (eq-sg-batch-grad)。

    - ``context_idx``：形状 (B, 2a) 的整数数组，第 i 行是第 i 个窗口的上下文词编号；
    - ``center_idx``：形状 (B,) 的整数数组，第 i 个窗口的中心词编号；
    - ``center_vectors``、``outside_vectors``：形状 (V, d)，第 w 行分别是 v_wᵀ、u_wᵀ（后者就是 U）。

    返回 ``(loss, grad_center_vectors, grad_outside)``：平均损失对两张表的梯度，形状都是 (V, d)。
    同一个词在批中出现多次（同一窗口里或不同窗口里），它的各份梯度用 ``np.add.at`` 累加（scatter-add）。
    """
    batch, width = context_idx.shape                         # width = 2a
    rows = np.arange(batch)
    v_bar = center_vectors[context_idx].mean(axis=1)         # (B, d)：第 i 行是 v̄_i
    log_y_hat = log_softmax(v_bar @ outside_vectors.T)       # (B, V)：第 i 行是 log softmax(U v̄_i)ᵀ
    loss = -log_y_hat[rows, center_idx].mean()
    delta = np.exp(log_y_hat)                                # Ŷ
    delta[rows, center_idx] -= 1.0                           # Ŷ - Y
    delta /= batch                                           # 平均损失：每个窗口的梯度乘 1/B
    grad_v_bar = delta @ outside_vectors                     # (B, d)：第 i 行 (1/B) (Uᵀ(ŷ_i - y_i))ᵀ
    per_position = np.repeat(grad_v_bar / width, width, axis=0)  # (B·2a, d)：每个上下文位置一份
    grad_center_vectors = np.zeros_like(center_vectors)
    np.add.at(grad_center_vectors, context_idx.ravel(), per_position)  # 重复的词：累加，不覆盖
    grad_outside = delta.T @ v_bar                           # (V, d)：(1/B) Σ_i (ŷ_i - y_i) v̄_iᵀ
    return float(loss), grad_center_vectors, grad_outside


# 定义于 chapters/01_word2vec/02_cbow.ipynb 「连续词袋（CBOW）」§「与跳元模型比较」
@accepts(sentences=SENTENCES, window=Int(1))
@returns(NDArray("W", None, dtype="int", nonempty=False), NDArray("W", dtype="int", nonempty=False))
def cbow_windows(sentences, window: int):
    """所有完整的窗口（见 (sec-cbow-compare)）：位置 t 两侧各有 ``window`` 个同句的词，即式 (eq-cbow-vbar) 中的 2a 个上下文词。

    句子两端不完整的窗口不要，每行都是 2·window 个上下文词。返回 ``(context_idx, center_idx)``：
    形状 (窗口数, 2·window) 与 (窗口数,) 的 int64 数组，上下文按 j = -window, …, -1, 1, …, window 排列。
    只用数组运算，不逐窗口循环。
    """
    ids, sentence_of = flatten_sentences(sentences)
    t = np.arange(window, len(ids) - window)
    t = t[sentence_of[t - window] == sentence_of[t + window]]   # 两端在同一句内，中间的位置自然也在
    offsets = np.array([j for j in range(-window, window + 1) if j != 0])
    return ids[t[:, None] + offsets], ids[t]                    # (窗口数, 2a) 与 (窗口数,)


@accepts(**BATCH, lr=Real(positive=True), epochs=Int(1), batch_size=Int(1), rng=Rng(), desc=Str())
@returns(NDArray("L"))
def train_cbow(context_idx, center_idx, center_vectors, outside_vectors, *, lr, epochs, batch_size=128, rng,
               desc="训练 CBOW"):
    """用完整 softmax 的 CBOW 与小批量 SGD 训练词向量：实现式 (eq-sg-update) θ ← θ - η ∇_θ J(θ)（η = ``lr``），
    J 是式 (eq-cbow-objective) 的目标函数，原地更新两张表。

    ``context_idx`` 形状 (窗口数, 2a)，``center_idx`` 形状 (窗口数,)。每轮打乱，按 ``batch_size`` 分批。
    返回每个小批量的平均损失。
    """
    def step(batch, lr):
        loss, grad_center_vectors, grad_outside = cbow_batch_loss_and_gradient(
            context_idx[batch], center_idx[batch], center_vectors, outside_vectors
        )
        np.subtract(center_vectors, lr * grad_center_vectors, out=center_vectors)
        np.subtract(outside_vectors, lr * grad_outside, out=outside_vectors)
        return loss

    return minibatch_sgd(len(center_idx), step, lr=lr, epochs=epochs, batch_size=batch_size, rng=rng, desc=desc)
