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
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spec_strategies import corruptions, dtype_leaders, supported, well_formed

import wordvec_rnn
from wordvec_rnn import inputs
from wordvec_rnn.gates import LSTM_GATES, TORCH_GRU_GATES, TORCH_LSTM_GATES

# 输入检查本身（它们就是检查，不再套一层声明）
MECHANISM = {"checks", "inputs"}


def reader_modules():
    names = [m.name for m in pkgutil.iter_modules(wordvec_rnn.__path__)]
    return [importlib.import_module(f"wordvec_rnn.{n}") for n in sorted(names) if n not in MECHANISM]


def public_callables(module):
    """模块里定义的公共函数，以及公共类的 ``__init__`` 与公共方法（dataclass 生成的 ``__init__`` 除外）。"""
    for name, obj in list(vars(module).items()):
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj):
            yield f"{module.__name__}.{name}", obj
        elif inspect.isclass(obj) and not issubclass(obj, inputs.Spec):  # 规格类本身就是声明
            for attr, member in list(vars(obj).items()):
                public = not attr.startswith("_") or (attr == "__init__" and not hasattr(obj, "__dataclass_fields__"))
                member = member.__func__ if isinstance(member, classmethod) else member
                if public and inspect.isfunction(member):
                    yield f"{module.__name__}.{name}.{attr}", member


def takes_arguments(function) -> bool:
    passed_on = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return any(p not in ("self", "cls") and q.kind not in passed_on for p, q in inspect.signature(function).parameters.items())


def declared_callables():
    """读者的包里每个带参数的公共函数与方法（它们都必须声明输入）。"""
    for module in reader_modules():
        yield from ((q, f) for q, f in public_callables(module) if takes_arguments(f))


def test_every_public_function_declares_its_inputs():
    undeclared = [q for q, f in declared_callables() if inputs.declared_inputs(f) is None]
    assert not undeclared, f"这些公共函数没有用 @accepts 声明输入：{undeclared}"


def huffman_tree():
    from wordvec_rnn.hierarchical_softmax import build_huffman_tree

    return build_huffman_tree(np.array([5, 3, 2, 1, 1]))


def noise_sampler():
    from wordvec_rnn.negative_sampling import NoiseSampler

    return NoiseSampler(np.array([3, 1, 2]))


def adding_model():
    from wordvec_rnn.long_range import AddingModel

    return AddingModel("gru", 3).double()   # 生成的张量是 float64


def mean_step(batch, lr):
    return float(len(batch) * lr)


def backpropagated(module):
    """反向传播过一次的 torch 循环层：每个参数都有 .grad。"""
    output, _ = module(torch.randn(2, 3))
    output.sum().backward()
    return module


def small_vocab():
    from wordvec_rnn.vocab import Vocab

    return Vocab([["我", "爱", "北京"], ["北京", "很", "大"]])


def quadratic():
    """gradcheck 的 f 与它读的数组：f(x) = Σ x²。"""
    x = np.array([0.5, -1.0, 2.0])
    return {"f": lambda: float((x**2).sum()), "x": x}


def quadratic_params():
    problem = quadratic()
    return {"f": problem["f"], "params": {"x": problem["x"]}, "grads": {"x": 2 * problem["x"]}}


def line_figure(w):
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1], [0, w])
    return fig


def slider_case():
    return {"render": line_figure, "sliders": {"w": [0.5, 1.0]}, "default": None, "describe": None, "labels": None}


def static_sliders():
    from wordvec_rnn.sliders import StaticSliders

    return StaticSliders(line_figure, {"w": [0.5, 1.0]}, {"w": 1.0}, None, {"w": "w"}, "demo")


def topic_corpus():
    """两个话题的小语料：每个词出现多次，训练几轮就有不为零的词向量。"""
    return [["猫", "狗", "鱼", "猫", "狗"], ["北京", "上海", "广州", "北京", "上海"]] * 20


def trained():
    from wordvec_rnn.word2vec_train import train_word2vec

    return train_word2vec(topic_corpus(), dim=4, window=2, min_count=1, epochs=2, subsample=None, show_progress=False)


def explorer_case():
    """探索器的数据：两个模型（没有快照，所以没有地图），话题语料里的 6 个词。"""
    from wordvec_rnn.explorer import explorer_data

    return explorer_data({"skipgram": trained(), "cbow": trained()}, n_words=6, map_words=4, example_word="猫",
                         example_analogy=["猫", "狗", "北京", "上海"])


def batch_update_case():
    """一批两个窗口、每个窗口两个上下文位置、三个输出向量（负采样 k = 2）的参数。"""
    return {"center_vectors": np.full((5, 3), 0.1, dtype=np.float32), "outside_vectors": np.zeros((5, 3), np.float32),
            "context": np.array([[0, 1], [2, 3]]), "mask": np.array([[True, True], [True, False]]),
            "target": np.array([[4, 0, 1], [1, 2, 3]]), "labels": np.array([[1.0, 0.0, 0.0]]),
            "target_mask": np.ones((1, 3)), "lr": 0.1}


def window_updates_case():
    """两句话五个位置（负采样 k = 1）：第 i 个位置的 Ũ 是 [w_i, 一个负样本]。"""
    return {"model": "skipgram", "center_vectors": np.full((5, 3), 0.1, dtype=np.float32),
            "outside_vectors": np.full((5, 3), 0.1, dtype=np.float32), "words": np.array([0, 1, 2, 3, 4]),
            "sentence_ids": np.array([0, 0, 0, 1, 1]), "half_widths": np.array([1, 2, 1, 1, 2]),
            "targets": np.array([[0, 3], [1, 4], [2, 0], [3, 1], [4, 2]]),
            "labels": np.tile([1.0, 0.0], (5, 1)), "lengths": np.full(5, 2), "lr": 0.1}


def display_bar():
    from wordvec_rnn.progress import DisplayBar

    return DisplayBar(range(3), desc="训练", mininterval=0)


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
    "wordvec_rnn.vocab.Vocab.__init__": lambda: {"sentences": [["我", "爱"], ["北京"]]},
    "wordvec_rnn.vocab.Vocab.encode": lambda: {"self": small_vocab(), "tokens": ["我", "不", "北京"]},
    "wordvec_rnn.vocab.Vocab.decode": lambda: {"self": small_vocab()},
    "wordvec_rnn.corpora.corpus_counts": lambda: {"vocab": small_vocab()},
    "wordvec_rnn.corpora.disk_cached": lambda: {"source": Path(__file__), "build": lambda: 1},
    "wordvec_rnn.corpora.package_file": lambda: {"package": "gensim", "parts": ("test", "test_data", "wordsim353.tsv")},
    "wordvec_rnn.gradcheck.numerical_gradient": quadratic,
    "wordvec_rnn.gradcheck.gradient_errors": quadratic_params,
    "wordvec_rnn.glue.glue": lambda: {"value": 1.5},
    "wordvec_rnn.full_runs.record_full_run": lambda: {"notebook": "x/01_demo", "results": {"ppl": 83.0, "rows": [[1, 2.5]]}},
    "wordvec_rnn.full_runs.full_run_results": lambda: {"notebook": "02_rnn/05_char_lm"},
    "wordvec_rnn.full_runs.save_full_run_arrays": lambda: {"notebook": "x/01_demo", "name": "vectors",
                                                           "arrays": {"v": np.zeros((2, 3))}},
    "wordvec_rnn.full_runs.load_full_run_arrays": lambda: {"notebook": "x/01_demo", "name": "vectors"},
    "wordvec_rnn.full_runs.full_run_meta": lambda: {"notebook": "02_rnn/05_char_lm"},
    "wordvec_rnn.full_runs.glue_full_run_meta": lambda: {"notebook": "02_rnn/05_char_lm"},
    "wordvec_rnn.glue.glue_table": lambda: {"header": ["词", "次数"], "rows": [["北京", "2"]]},
    "wordvec_rnn.progress.DisplayBar.display": lambda: {"self": display_bar()},
    "wordvec_rnn.progress.progress": lambda: {"iterable": range(3)},
    "wordvec_rnn.sliders.format_value": lambda: {"value": 0.25},
    # 学习率取 word2vec 的默认值：太大时训练发散，train_word2vec 报错点名 lr（test_word2vec_train 检查）
    "wordvec_rnn.word2vec_train.train_word2vec": lambda: {"sentences": topic_corpus(), "vocab": None, "lr": 0.025,
                                                          "min_lr": 1e-4, "show_progress": False},
    "wordvec_rnn.word2vec_train.Word2VecResult.from_vectors": lambda: {"vocab": small_vocab(),
                                                                       "vectors": np.ones((len(small_vocab()), 2))},
    "wordvec_rnn.word2vec_batch.skipgram_batch_update": batch_update_case,
    "wordvec_rnn.word2vec_batch.cbow_batch_update": batch_update_case,
    "wordvec_rnn.word2vec_loops.window_updates": window_updates_case,
    "wordvec_rnn.word2vec_eval.similarity": lambda: {"result": trained(), "word1": "猫", "word2": "北京"},
    "wordvec_rnn.word2vec_eval.most_similar": lambda: {"result": trained(), "word": "猫"},
    "wordvec_rnn.word2vec_eval.analogy": lambda: {"result": trained(), "a": "猫", "b": "狗", "c": "北京"},
    "wordvec_rnn.word2vec_eval.spearman": lambda: {"x": np.array([1.0, 3.0, 2.0, 2.0]), "y": np.array([0.5, 0.1, 0.9, 0.4])},
    "wordvec_rnn.word2vec_eval.wordsim_spearman": lambda: {
        "result": trained(), "pairs": [("猫", "狗", 8.0), ("猫", "北京", 1.0), ("上海", "北京", 7.0)]},
    "wordvec_rnn.sliders.slider_figure": slider_case,
    "wordvec_rnn.answers.parse_answer": lambda: {"text": "1,301,512"},
    "wordvec_rnn.answers.check_answer": lambda: {"text": "1/2"},
    "wordvec_rnn.formula_answers.parse_formula": lambda: {"text": "(T-1)T(T+1)/6", "variable": "T"},
    "wordvec_rnn.formula_answers.check_formula": lambda: {"text": "n^2-1", "values": {2: 3, 5: 24.0}, "variable": "n"},
    "wordvec_rnn.formula_answers.formula_feedback": lambda: {"text": "T(", "values": {1: 0.5}, "variable": "T"},
    "wordvec_rnn.formula_answers.formula_box": lambda: {"values": {2: 1, 3: 4}, "variable": "T"},
    "wordvec_rnn.formula_answers.StaticFormula.__init__": lambda: {"values": {2: 1, 3: 4}, "variable": "ρ"},
    "wordvec_rnn.explorer.explorer_data": lambda: {"models": {"skipgram": trained()}, "n_words": 6, "map_words": 4,
                                                   "example_word": "猫", "example_analogy": ["猫", "狗", "北京", "上海"]},
    "wordvec_rnn.explorer.explorer_result": lambda: {"data": explorer_case(), "model": "cbow"},
    "wordvec_rnn.explorer.StaticExplorer.__init__": lambda: {"data": explorer_case()},
    "wordvec_rnn.explorer.word_explorer": lambda: {"data": explorer_case()},
    "wordvec_rnn.explorer_page.model_name": lambda: {"data": explorer_case(), "model": "cbow"},
    "wordvec_rnn.explorer_page.explorer_html": lambda: {"data": explorer_case(), "data_json": "{}"},
    "wordvec_rnn.explorer_widgets.unknown_word_message": lambda: {"data": explorer_case(), "words": ["猫", "熊"]},
    "wordvec_rnn.explorer_widgets.live_explorer": lambda: {"data": explorer_case()},
    "wordvec_rnn.word_maps.map_coordinates": lambda: {"snapshots": np.random.default_rng(0).normal(size=(2, 6, 3))},
    "wordvec_rnn.word_maps.draw_word_map": lambda: {"coords": np.array([[0.0, 0.0], [1.0, 0.5], [0.2, 1.0]]),
                                                    "words": ["北京", "上海", "广州"]},
    "wordvec_rnn.sliders.StaticSliders.__init__": lambda: {"render": line_figure, "grid": {"w": [0.5, 1.0]},
                                                           "default": {"w": 1.0}, "describe": None, "labels": {"w": "w"}},
    "wordvec_rnn.sliders.StaticSliders.key": lambda: {"self": static_sliders(), "values": {"w": 0.5}},
    "wordvec_rnn.gru.block": lambda: {"A": torch.zeros(6, 2, dtype=torch.float64), "m": 2, "dim": 0},
    "wordvec_rnn.gru.init_gru_params": lambda: {"dtype": torch.float64},
    "wordvec_rnn.gru.gru_layer": lambda: {"return_gates": False},   # True 时多返回 (R, U, G)
    "wordvec_rnn.gru.gru_from_torch": lambda: {"module": torch.nn.GRU(3, 2)},
    "wordvec_rnn.gru.gru_grads_from_torch": lambda: {"module": backpropagated(torch.nn.GRU(3, 2))},
    "wordvec_rnn.remedies.clip_by_norm": lambda: {"grads": {"W": np.ones((2, 2)), "b": np.array([0.5, -3.0])}},
    "wordvec_rnn.long_range.adding_problem": lambda: {"generator": torch.Generator().manual_seed(0)},
    "wordvec_rnn.long_range.set_forget_bias": lambda: {"lstm": torch.nn.LSTM(2, 3)},
    "wordvec_rnn.long_range.AddingModel.forward": lambda: {"self": adding_model()},
    "wordvec_rnn.gates.GateLayout.position": lambda: {"self": LSTM_GATES, "gate": "f"},
    "wordvec_rnn.gates.GateLayout.rows": lambda: {"self": TORCH_GRU_GATES, "gate": "u"},   # 本书的名字
    "wordvec_rnn.gates.GateLayout.slices": lambda: {"self": LSTM_GATES},
    "wordvec_rnn.gates.GateLayout.block": lambda: {"self": LSTM_GATES, "A": torch.zeros(8, 3), "gate": "o", "m": 2,
                                                   "dim": 0},
    "wordvec_rnn.gates.GateLayout.split": lambda: {"self": LSTM_GATES, "A": torch.zeros(3, 8), "dim": -1},
    "wordvec_rnn.gates.GateLayout.reorder": lambda: {"self": LSTM_GATES, "A": torch.arange(8.0), "dim": 0,
                                                     "to": TORCH_LSTM_GATES},
    "wordvec_rnn.lstm.init_lstm_params": lambda: {"dtype": torch.float64},
    "wordvec_rnn.lstm.lstm_update": lambda: {"z": torch.zeros(2, 8, dtype=torch.float64),
                                              "c": torch.ones(2, 2, dtype=torch.float64)},   # 前几维相同
    "wordvec_rnn.lstm.lstm_from_torch": lambda: {"module": torch.nn.LSTM(3, 2)},
    "wordvec_rnn.lstm.lstm_grads_from_torch": lambda: {"module": backpropagated(torch.nn.LSTM(3, 2))},
}
# *parts 这样的可变参数只能按位置传
POSITIONAL = {"wordvec_rnn.corpora.package_file": lambda f, kw: f(kw["package"], *kw["parts"])}


def var_keyword(function) -> list[str]:
    """``**values`` 这样的参数名（至多一个）。"""
    return [p.name for p in inspect.signature(function).parameters.values() if p.kind is p.VAR_KEYWORD]


def invocation(qualname, function):
    """(调用对象, 要生成的参数的声明, 固定参数的工厂)：``__init__`` 经由类调用，方法经由实例调用；
    ``**values`` 这样的参数生成为字典，调用时展开。"""
    specs = dict(inputs.declared_inputs(function))
    fixed = FIXED.get(qualname, dict)
    module, _, rest = qualname.removeprefix("wordvec_rnn.").partition(".")
    owner, _, method = rest.partition(".")
    owner_class = getattr(importlib.import_module(f"wordvec_rnn.{module}"), owner, None)
    if method == "__init__":
        return owner_class, specs, fixed
    if method and isinstance(inspect.getattr_static(owner_class, method), classmethod):
        return getattr(owner_class, method), specs, fixed
    if qualname in POSITIONAL:
        return lambda **kwargs: POSITIONAL[qualname](function, kwargs), specs, fixed
    var = var_keyword(function)
    if var:
        return lambda **kw: function(**{k: v for k, v in kw.items() if k != var[0]}, **kw[var[0]]), specs, fixed
    return function, specs, fixed


def generatable(qualname, function) -> bool:
    fixed = FIXED.get(qualname, dict)()
    return all(supported(spec) for name, spec in inputs.declared_inputs(function).items() if name not in fixed)


CASES = sorted((q, f) for q, f in declared_callables() if inputs.declared_inputs(f) and generatable(q, f))
IDS = [q.removeprefix("wordvec_rnn.") for q, _ in CASES]


def test_every_declared_function_is_property_tested():
    missing = [q for q, f in declared_callables() if inputs.declared_inputs(f) and not generatable(q, f)]
    assert not missing, f"这些函数的声明里有没有通用策略的参数，请在 FIXED 里给出：{missing}"


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# 每次都读整份语料或画一幅图的函数：少抽几组
FEW = settings(SETTINGS, max_examples=4)
SLOW = {"wordvec_rnn.word2vec_train.train_word2vec", "wordvec_rnn.skipgram.peoples_daily_ids", "wordvec_rnn.corpora.peoples_daily", "wordvec_rnn.corpora.english_wiki",
        "wordvec_rnn.hierarchical_softmax.draw_huffman_tree"}


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
    dims = inputs.check_arguments(inputs.declared_inputs(function), dict(kwargs))  # 与 accepts 一样定下维度字母
    values = result if len(declared) > 1 else (result,)
    assert len(values) == len(declared)
    for i, (spec, value) in enumerate(zip(declared, values)):
        spec.check(value, f"返回值[{i}]", dims)


@pytest.mark.parametrize("qualname, function", CASES, ids=IDS)
def test_well_formed_inputs_give_finite_outputs_of_the_declared_shapes(qualname, function):
    call, specs, fixed = invocation(qualname, function)

    @(FEW if qualname in SLOW else SETTINGS)
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

    @(FEW if qualname in SLOW else SETTINGS)
    @given(well_formed(specs, fixed()), st.data())
    def run(kwargs, data):
        name = data.draw(st.sampled_from(sorted(specs)))
        for how, bad in corruptions(specs[name], kwargs[name], leads_dtype=name in dtype_leaders(specs)):
            if name in var_keyword(function) and not isinstance(bad, dict):
                continue  # **values 只能是关键字参数
            try:
                call(**{**kwargs, name: bad})
            except ValueError as error:
                assert str(error).startswith(f"参数 `{name}"), f"{qualname}：{name} {how}，消息却是 {error}"
            else:
                pytest.fail(f"{qualname}：{name} {how}，却没有报错")

    run()
