"""读者的包里每个公共函数都声明了输入（wordvec_rnn.inputs.accepts），并且声明是真的（hypothesis 性质测试）：

- 合乎声明的随机输入：不抛异常，结果全是有限数，形状与 ``@returns`` 声明的一致；
- 每一类不合要求的输入（换成另一个库的数组、多一维、含 NaN、换了 dtype 种类、小数当整数……）：抛出 ValueError，
  消息开头点名被改坏的那个参数。
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spec_strategies import corruptions, supported, well_formed

import wordvec_rnn
from wordvec_rnn import inputs

# 书的构建与课堂工具：不在读者的 API 里
TOOLING = {"export", "setup_cell", "diagrams", "full_runs", "classroom"}
# 还没有改成声明式输入的模块（逐步清空）
NOT_YET_DECLARED = {
    "checks", "corpora", "glue", "gradcheck", "gru", "jacobian", "long_range", "lstm",
    "plotting", "progress", "remedies", "seeding", "sliders", "vocab", "word2vec_train",
    "gates", "inputs",
}


def reader_modules():
    names = [m.name for m in pkgutil.iter_modules(wordvec_rnn.__path__)]
    return [importlib.import_module(f"wordvec_rnn.{n}") for n in sorted(names) if n not in TOOLING]


def public_callables(module):
    """模块里定义的公共函数，以及公共类的 ``__init__`` 与公共方法（dataclass 生成的 ``__init__`` 除外）。"""
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj):
            yield f"{module.__name__}.{name}", obj
        elif inspect.isclass(obj):
            for attr, member in vars(obj).items():
                public = not attr.startswith("_") or (attr == "__init__" and not hasattr(obj, "__dataclass_fields__"))
                if public and inspect.isfunction(member):
                    yield f"{module.__name__}.{name}.{attr}", member


def takes_arguments(function) -> bool:
    return any(p not in ("self", "cls") for p in inspect.signature(function).parameters)


def declared_callables():
    for module in reader_modules():
        if module.__name__.rsplit(".", 1)[1] not in NOT_YET_DECLARED:
            yield from ((q, f) for q, f in public_callables(module) if takes_arguments(f))


def test_every_public_function_declares_its_inputs():
    undeclared = [q for q, f in declared_callables() if inputs.declared_inputs(f) is None]
    assert not undeclared, f"这些公共函数没有用 @accepts 声明输入：{undeclared}"
    modules = {m.__name__.rsplit(".", 1)[1] for m in reader_modules()}
    assert NOT_YET_DECLARED <= modules, f"NOT_YET_DECLARED 里有不存在的模块：{NOT_YET_DECLARED - modules}"


def huffman_tree():
    from wordvec_rnn.hierarchical_softmax import build_huffman_tree

    return build_huffman_tree(np.array([5, 3, 2, 1, 1]))


def noise_sampler():
    from wordvec_rnn.negative_sampling import NoiseSampler

    return NoiseSampler(np.array([3, 1, 2]))


def mean_step(batch, lr):
    return float(len(batch) * lr)


def char_lm(cell="rnn"):
    from wordvec_rnn.char_lm import CharLM

    torch.manual_seed(0)
    return CharLM(5, 3, 4, cell=cell)


def char_vocab():
    from wordvec_rnn.vocab import Vocab

    return Vocab([list("北京天")])  # <unk>、<eos> 与三个字：5 个编号，与 char_lm() 一致


CHAR_SENTENCES = [list("北京") if i % 2 else list("天") for i in range(60)]


def tagger():
    from wordvec_rnn.birnn import RNNTagger

    torch.manual_seed(0)
    return RNNTagger(5, 3, 4, 2, bidirectional=True)


def tagger_loss(model):
    return lambda: model(torch.tensor([[1, 2, 3]])).square().mean()


def structure(name):
    from wordvec_rnn import rnn_structures

    torch.manual_seed(0)
    return {"OneToMany": lambda: rnn_structures.OneToMany(3, 5, 4).double(), "ManyToOne": lambda: rnn_structures.ManyToOne(5, 3, 4, 2),
            "Seq2Seq": lambda: rnn_structures.Seq2Seq(5, 3, 4)}[name]()


# 声明里由调用者构造、没有通用策略的参数：按函数给出（其余参数仍随机生成）
FIXED = {
    "wordvec_rnn.rnn_structures.OneToMany.forward": lambda: {"self": structure("OneToMany")},
    "wordvec_rnn.rnn_structures.OneToMany.generate": lambda: {"self": structure("OneToMany")},
    "wordvec_rnn.rnn_structures.ManyToOne.forward": lambda: {"self": structure("ManyToOne")},
    "wordvec_rnn.rnn_structures.Seq2Seq.encode": lambda: {"self": structure("Seq2Seq")},
    "wordvec_rnn.rnn_structures.Seq2Seq.forward": lambda: {"self": structure("Seq2Seq")},
    "wordvec_rnn.rnn_structures.Seq2Seq.generate": lambda: {"self": structure("Seq2Seq")},
    "wordvec_rnn.rnn_structures.exact_match": lambda: {"generated": torch.zeros(2, 8, dtype=torch.int64)},
    "wordvec_rnn.rnn_structures.majority_batch": lambda: {"min_len": 1, "max_len": 5},
    "wordvec_rnn.rnn_structures.seq2seq_batch": lambda: {"min_len": 1},
    "wordvec_rnn.birnn.RNNTagger.forward": lambda: {"self": tagger()},
    "wordvec_rnn.birnn.train_steps": lambda: (lambda model: {"model": model, "batch_loss": tagger_loss(model),
                                                             "evaluate": lambda: 0.5, "desc": "训练"})(tagger()),
    "wordvec_rnn.char_lm.CharLM.forward": lambda: {"self": char_lm("lstm")},
    "wordvec_rnn.char_lm.CharLM.init_state": lambda: {"self": char_lm()},
    "wordvec_rnn.char_lm.batchify": lambda: {"stream": np.arange(40) % 5},
    "wordvec_rnn.char_lm.detach_state": lambda: {"state": (torch.zeros(1, 2, 3), torch.ones(1, 2, 3))},
    "wordvec_rnn.char_lm.encode_stream": lambda: {"vocab": char_vocab()},
    "wordvec_rnn.char_lm.next_char_probs": lambda: {"model": char_lm()},
    "wordvec_rnn.char_lm.perplexity": lambda: {"model": char_lm("gru")},
    "wordvec_rnn.char_lm.sample": lambda: {"model": char_lm(), "vocab": char_vocab()},
    "wordvec_rnn.char_lm.train_char_lm": lambda: {"model": char_lm(), "steps": 2, "show_progress": False},
    "wordvec_rnn.char_lm.train_val_split": lambda: {"sentences": CHAR_SENTENCES, "val_fraction": 0.3},
    "wordvec_rnn.char_lm.unigram_perplexity": lambda: {"eval_ids": np.array([0, 1]), "vocab_size": 3, "smoothing": 1.0},
    "wordvec_rnn.hierarchical_softmax.HuffmanTree.code": lambda: {"self": huffman_tree()},
    "wordvec_rnn.hierarchical_softmax.draw_huffman_tree": lambda: {"tree": huffman_tree()},
    "wordvec_rnn.hierarchical_softmax.hs_probabilities": lambda: {"tree": huffman_tree()},
    "wordvec_rnn.hierarchical_softmax.hs_path_loss_and_gradient": lambda: {"tree": huffman_tree()},
    "wordvec_rnn.hierarchical_softmax.hs_loss_and_gradient": lambda: {"tree": huffman_tree()},
    "wordvec_rnn.hierarchical_softmax.hs_batch_loss_and_gradient": lambda: {"tree": huffman_tree()},
    "wordvec_rnn.negative_sampling.NoiseSampler.sample": lambda: {"self": noise_sampler()},
    "wordvec_rnn.skipgram.minibatch_sgd": lambda: {"step": mean_step},
}


def invocation(qualname, function):
    """(调用对象, 要生成的参数的声明, 固定参数的工厂)：``__init__`` 经由类调用，方法经由实例调用。"""
    specs = dict(inputs.declared_inputs(function))
    fixed = FIXED.get(qualname, dict)
    module, _, rest = qualname.removeprefix("wordvec_rnn.").partition(".")
    owner, _, method = rest.partition(".")
    if method == "__init__":
        return getattr(importlib.import_module(f"wordvec_rnn.{module}"), owner), specs, fixed
    return function, specs, fixed


def generatable(qualname, function) -> bool:
    fixed = FIXED.get(qualname, dict)()
    return all(supported(spec) for name, spec in inputs.declared_inputs(function).items() if name not in fixed)


CASES = sorted((q, f) for q, f in declared_callables() if generatable(q, f))
IDS = [q.removeprefix("wordvec_rnn.") for q, _ in CASES]


def test_every_declared_function_is_property_tested():
    missing = [q for q, f in declared_callables() if not generatable(q, f)]
    assert not missing, f"这些函数的声明里有没有通用策略的参数，请在 FIXED 里给出：{missing}"


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def all_finite(value) -> bool:
    if isinstance(value, (tuple, list)):
        return all(all_finite(v) for v in value)
    if isinstance(value, dict):
        return all(all_finite(v) for v in value.values())
    if torch.is_tensor(value):
        return bool(torch.isfinite(value).all()) if value.is_floating_point() else True
    if isinstance(value, np.ndarray):
        return bool(np.isfinite(value).all()) if value.dtype.kind == "f" else True
    if isinstance(value, float):
        return math.isfinite(value)
    return True


def check_returns(function, kwargs, result):
    declared = getattr(function, "__returns__", None)
    if declared is None:
        return
    dims = inputs.Dims()
    specs = inputs.declared_inputs(function)
    for name in sorted(specs, key=lambda n: specs[n].order):
        specs[name].check(kwargs[name], name, dims)
    values = result if len(declared) > 1 else (result,)
    assert len(values) == len(declared)
    for i, (spec, value) in enumerate(zip(declared, values)):
        spec.check(value, f"返回值[{i}]", dims)


@pytest.mark.parametrize("qualname, function", CASES, ids=IDS)
def test_well_formed_inputs_give_finite_outputs_of_the_declared_shapes(qualname, function):
    call, specs, fixed = invocation(qualname, function)

    @SETTINGS
    @given(well_formed(specs, fixed()))
    def run(kwargs):
        result = call(**kwargs)
        plt.close("all")
        assert all_finite(result), f"{qualname} 对合乎声明的输入给出了 NaN 或无穷大"
        check_returns(function, kwargs, result)

    run()


@pytest.mark.parametrize("qualname, function", CASES, ids=IDS)
def test_each_malformed_argument_is_named(qualname, function):
    call, specs, fixed = invocation(qualname, function)

    @SETTINGS
    @given(well_formed(specs, fixed()), st.data())
    def run(kwargs, data):
        name = data.draw(st.sampled_from(sorted(specs)))
        for how, bad in corruptions(specs[name], kwargs[name]):
            try:
                call(**{**kwargs, name: bad})
            except ValueError as error:
                assert str(error).startswith(f"参数 `{name}"), f"{qualname}：{name} {how}，消息却是 {error}"
            else:
                pytest.fail(f"{qualname}：{name} {how}，却没有报错")

    run()
