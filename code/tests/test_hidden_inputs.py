"""隐藏测试的输入由教师的秘密种子决定，而且对任何种子，书中的解答都通过每个测试、每个常见错误都不通过它该不通过的测试。

测试在本进程里直接调用本书包里的解答（不经评分程序），所以很快；评分程序本身在 test_classroom 与 test_attacks 里查。
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

from wordvec_classroom.generate import AssignmentSource, assignment_dirs
from wordvec_classroom.spec import secret, secret_words

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = [p.name for p in assignment_dirs(ROOT)]
SECRETS = [secret_words("本书的测试", str(k)) for k in range(8)]


def _solutions(source: AssignmentSource) -> dict:
    return {name: getattr(importlib.import_module(d.module), name) for name, d in source.definitions.items()}


def _called_names(function) -> set[str]:
    """函数体里按名字调用的全局名（含它调用的 tests.py 辅助函数里的，递归）。"""
    seen, todo = set(), [function]
    while todo:
        f = todo.pop()
        tree = ast.parse(inspect.getsource(f).lstrip())
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        for name in names - seen:
            seen.add(name)
            value = f.__globals__.get(name)
            if inspect.isfunction(value) and value.__module__ == f.__module__ and not hasattr(value, "question"):
                todo.append(value)
    return seen


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def source(request):
    return AssignmentSource(ROOT, ROOT / "assignments" / request.param)


def test_book_solution_passes_every_test_for_any_secret(source):
    solutions = _solutions(source)
    for words in SECRETS:
        with secret(words):
            for test in source.tests:
                test.function(*(solutions[name] for name in test.inputs))


def test_hidden_tests_draw_their_inputs_from_the_secret(source):
    for test in (t for t in source.tests if not t.public):
        names = _called_names(test.function)
        assert names & {"hidden_rng", "hidden_torch_generator"}, f"{test.name} 的输入不取自 hidden_rng / hidden_torch_generator"
        text = inspect.getsource(test.function)
        assert "default_rng(" not in text and "manual_seed(" not in text, f"{test.name} 自己设了固定种子"


def _with_mistake(source: AssignmentSource, solutions: dict, sources: dict[str, str]) -> dict:
    """书中的解答，其中几个换成常见错误的实现（在原模块的名字空间里定义：它调用的其他题用的是书中的解答）。"""
    functions = dict(solutions)
    for name, text in sources.items():
        namespace = dict(vars(importlib.import_module(source.definitions[name].module)))
        exec(compile(text, f"<{name}>", "exec"), namespace)
        functions[name] = namespace[name]
    return functions


def test_each_mistake_fails_its_tests_for_any_secret(source):
    from wordvec_classroom.submissions import mistakes

    solutions = _solutions(source)
    for mistake in mistakes(source):
        functions = _with_mistake(source, solutions, mistake.sources)
        for words in SECRETS[:3]:
            with secret(words):
                for test in (t for t in source.tests if t.name in mistake.expect):
                    try:
                        test.function(*(functions[name] for name in test.inputs))
                    except AssertionError as error:
                        assert mistake.expect[test.name] in str(error), (mistake.name, test.name, str(error))
                    else:
                        raise AssertionError(f"{mistake.name}：{test.name} 应不通过")
