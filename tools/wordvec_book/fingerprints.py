"""常见错误的「指纹」：一段固定的小输入（有种子，float64），正确的实现与课堂作业目录里每个常见错误
（``assignments/<作业>/mistakes/``）各自打印出的几个数。

网页书里（``book/_ext/book_fingerprints.py``）读者用自己的函数运行同一段代码，把打印出的数贴进页面：页面说对了，
或者说出最像哪一个常见错误、错在哪里（错误的文档字符串）。这些数都在构建网页书时由这里算出。

- 错误的实现就是评分程序检验自己时用的那份（``wordvec_classroom.submissions.mistakes``）：章节里的解答按
  ``EDITS`` 改几处，或整个换掉。它与章节的模块共用一个命名空间，所以被改的辅助函数（如 ``build_huffman_tree``）
  也作用到调用它的函数上。
- 在这段输入上与正确的实现打印出同样的数的错误（只在批量、采样器或极端输入上才显形的），这里认不出来，不放进页面；
  抛出异常的也不放（读者自己会看到异常）。
- 两个错误的数都一样时，页面把两个都列出来。

在仓库的根目录运行 ``python -m wordvec_book.fingerprints``，打印每个探针的表：错误 → 打印出的数 → 是否与别的都不同。
"""

from __future__ import annotations

import contextlib
import importlib
import io
import math
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from wordvec_classroom.generate import AssignmentSource
from wordvec_classroom.submissions import mistakes

RTOL, ATOL = 1e-6, 1e-9          # 页面上「相同」的容差：读者用 float32 时也在其内
DISTINCT = 1e-4                  # 两组数至少有一个相对差过这么多，才算「不同」


@dataclass(frozen=True)
class Probe:
    """一个探针：页面里的名字、对应的作业、读者运行的代码（用读者自己的函数，最后打印几个数）。"""

    name: str
    title: str
    assignment: str
    code: str


PROBES = {probe.name: probe for probe in (
    Probe("naive_softmax", "朴素 softmax 的损失与梯度", "01_skipgram", """\
import numpy as np

rng = np.random.default_rng(2026)
center_vec, outside_vectors = rng.normal(size=3), rng.normal(size=(5, 3))
loss, grad_center, grad_outside = naive_softmax_loss_and_gradient(center_vec, 2, outside_vectors)
# 小批量：第二个中心词向量放大 500 倍，两行得分相差上千
centers = np.stack([center_vec, 500 * center_vec])
batch_loss, grad_centers, _ = naive_softmax_batch_loss_and_gradient(centers, np.array([2, 0]), outside_vectors)
log_probs = log_softmax(np.array([[1000.0, 0.0], [0.0, 1.0]]))   # 两行得分相差上千
print(loss, grad_center[0], grad_outside[2, 1], grad_outside[4, 0], batch_loss, grad_centers[0, 1],
      log_probs[0, 1], log_probs[1, 0])"""),
    Probe("negative_sampling", "负采样的损失与梯度", "02_negative_sampling", """\
import numpy as np

rng = np.random.default_rng(2026)
center_vec, outside_vectors = rng.normal(size=3), rng.normal(size=(6, 3))
negative_idx = np.array([4, 1, 4])          # 负样本可以重复
loss, grad_center, grad_outside = neg_sampling_loss_and_gradient(center_vec, 2, negative_idx, outside_vectors)
print(loss, grad_center[0], grad_outside[2, 1], grad_outside[4, 0], grad_outside[1, 2])"""),
    Probe("hierarchical_softmax", "层序 softmax 的路径概率与梯度", "03_hierarchical_softmax", """\
import numpy as np

rng = np.random.default_rng(2026)
tree = build_huffman_tree(np.array([5, 2, 9, 1, 3]))
center_vec, node_vectors = rng.normal(size=3), rng.normal(size=(4, 3))
probs = hs_probabilities(center_vec, tree, node_vectors)
loss, grad_center, path, grad_path = hs_path_loss_and_gradient(center_vec, 3, tree, node_vectors)
print(probs[0], probs[3], loss, grad_center[0], grad_path[0, 1])"""),
    Probe("bptt", "BPTT 的损失与梯度", "04_bptt", """\
import numpy as np

rng = np.random.default_rng(2026)
params = init_rnn_params(3, 4, 5, rng)
X, targets = rng.normal(size=(2, 3, 3)), rng.integers(0, 5, size=(2, 3))
h0 = 0.5 * rng.normal(size=(2, 4))
loss, grads, h_T = rnn_loss_and_gradients(params, X, targets, h0)
print(loss, grads["V"][0, 1], grads["W"][1, 2], grads["b_h"][3], grads["U"][2, 0], grads["b_y"][4], h_T[1, 0])"""),
    Probe("lstm_jacobian", "LSTM 一步的雅可比矩阵", "07_lstm", """\
import torch

generator = torch.Generator().manual_seed(2026)
params = init_lstm_params(3, 2, generator=generator, dtype=torch.float64)
params["b"] = 0.5 * torch.randn(8, generator=generator, dtype=torch.float64)   # 偏置不为 0
x, h, c = (torch.randn(size, generator=generator, dtype=torch.float64) for size in (3, 2, 2))
J, h_t, c_t, f_t = lstm_jacobian_step(x, h, c, params)
h_batch, c_batch, gates = lstm_cell(x[None], h[None], c[None], params)   # 批量的一步（B = 1）
print(J[0, 0].item(), J[0, 3].item(), J[3, 1].item(), J[3, 2].item(), J[3, 3].item(), h_t[1].item(),
      c_batch[0, 0].item())"""),
)}


@dataclass(frozen=True)
class Fingerprint:
    """一个常见错误在探针上打印出的数（抛出异常时为 None）；``differs``：与正确的不同（页面认得出它）；
    ``distinct``：还与别的错误都不同。"""

    mistake: str
    description: str
    values: tuple[float, ...] | None
    differs: bool = False
    distinct: bool = False


def _namespace(source: AssignmentSource, replaced: dict[str, str]) -> dict:
    """作业各函数所在的包模块的命名空间（合在一起），作业的每个函数都在这里由章节的解答重新定义（它们互相调用时
    查的就是这个命名空间），其中 ``replaced`` 的换成给出的源码。"""
    namespace: dict = {}
    for module in sorted({d.module for d in source.definitions.values()}):
        namespace.update(vars(importlib.import_module(module)))
    namespace["__name__"] = "wordvec_book_fingerprint"
    solutions = {name: definition.source for name, definition in source.definitions.items()}
    for text in (solutions | replaced).values():
        exec(compile(text, "<作业的函数>", "exec"), namespace)
    return namespace


def run_probe(code: str, namespace: dict) -> tuple[float, ...]:
    """在 ``namespace`` 里运行探针的代码，读出它打印的数。"""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # 错误的实现上溢、除以零时的警告：数照样打印出来
        exec(compile(code, "<探针>", "exec"), dict(namespace))
    return tuple(float(token) for token in printed.getvalue().split())


def same(a, b, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """两组数一样多，而且逐个在容差之内（页面的 book-fingerprints.js 用同样的规则）。"""
    return a is not None and b is not None and len(a) == len(b) and all(
        math.isclose(x, y, rel_tol=rtol, abs_tol=atol) or (math.isnan(x) and math.isnan(y)) for x, y in zip(a, b))


def _outcome(probe: Probe, source: AssignmentSource, mistake) -> Fingerprint:
    try:
        values = run_probe(probe.code, _namespace(source, mistake.sources))
    except Exception:   # noqa: BLE001  错误的实现在这段输入上抛异常：读者自己会看到，页面不必认
        values = None
    return Fingerprint(mistake.name, mistake.description, values)


@cache
def fingerprints(name: str, root: Path) -> tuple[tuple[float, ...], tuple[Fingerprint, ...]]:
    """探针 ``name`` 上正确的实现打印的数，以及仓库 ``root`` 的作业目录里每个常见错误的指纹（按文件名排序）。"""
    probe = PROBES[name]
    source = AssignmentSource(root, root / "assignments" / probe.assignment)
    correct = run_probe(probe.code, _namespace(source, {}))
    found = [_outcome(probe, source, mistake) for mistake in mistakes(source)]
    marked = []
    for fp in found:
        differs = fp.values is not None and not same(fp.values, correct, DISTINCT, 0.0)
        alone = not any(other is not fp and same(fp.values, other.values, DISTINCT, 0.0) for other in found)
        marked.append(Fingerprint(fp.mistake, fp.description, fp.values, differs, differs and alone))
    return correct, tuple(marked)


def recognisable(name: str, root: Path) -> list[Fingerprint]:
    """页面认得出的错误：在探针上能跑完，打印的数与正确的不同（可能与另一个错误相同）。"""
    return [fp for fp in fingerprints(name, root)[1] if fp.differs]


def report(root: Path) -> str:
    """每个探针一张表（Markdown）：错误 → 打印的数 → 是否与别的都不同。"""
    lines = []
    for name, probe in PROBES.items():
        correct, found = fingerprints(name, root)
        lines += [f"### {probe.title}（{probe.assignment}）", "", "| 错误 | 打印的数 | 与其余都不同？ |", "|---|---|---|",
                  f"| （正确） | {' '.join(f'{v:.6g}' for v in correct)} | — |"]
        for fp in found:
            shown = "抛出异常" if fp.values is None else " ".join(f"{v:.6g}" for v in fp.values)
            verdict = "是" if fp.distinct else ("否" if fp.differs or fp.values is None else "与正确的相同")
            lines.append(f"| `{fp.mistake}` | {shown} | {verdict} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(Path.cwd()))   # 在仓库的根目录运行
