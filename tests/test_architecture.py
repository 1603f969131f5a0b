"""The package's layers, read from the source with `ast` (nothing imported).

docs/architecture.md explains the layers; these tests keep the tree honest:
no import cycle among voice_mock's modules (imports inside functions count
too), the pure analysis imports nothing from the other sub-packages, audio and
speech know nothing of sessions, banks, the interview, the CLI or the
evaluation, only the CLI imports the CLI, no module is over 400 lines, and
only a few modules sit loose at the top of the package.

Each check is a function of a source tree, so the tests at the bottom run it
on small made-up trees that break the rule, to see that it fails.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "voice_mock"
MAX_LINES = 400
MAX_LOOSE = 12

# What each sub-package may import from voice_mock besides itself.
ANALYSIS_MAY_IMPORT = ("voice_mock.types", "voice_mock.errors")
DEVICE_AND_MODEL_LAYERS = ("audio", "speech")
# ... and what those two must not know about.
NOT_BELOW_SESSIONS = ("review", "banks", "interview", "cli", "evaluation")


# ---------------------------------------------------------------- reading the tree


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def _imported(node: ast.AST, name: str, is_package: bool, known: set[str]) -> list[str]:
    """The voice_mock modules one import statement loads (anywhere in the file)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    assert isinstance(node, ast.ImportFrom)
    if node.level:
        base = name.split(".") if is_package else name.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    # `from pkg import x` loads pkg.x when x is a module, else just pkg.
    return [f"{target}.{a.name}" if f"{target}.{a.name}" in known else target for a in node.names]


def import_graph(root: Path) -> dict[str, set[str]]:
    """module -> the package's modules it imports, at module level or inside functions."""
    found = modules(root)
    known = set(found)
    graph: dict[str, set[str]] = {}
    for name, path in found.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _imported(node, name, path.name == "__init__.py", known):
                    # `import voice_mock.a.b` names voice_mock.a.b; keep the longest known prefix.
                    while target and target not in known:
                        target = target.rpartition(".")[0]
                    if target and target != name:
                        edges.add(target)
        graph[name] = edges
    return graph


# ---------------------------------------------------------------- the checks


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = {n: WHITE for n in graph}
    for start in sorted(graph):
        if colour[start] != WHITE:
            continue
        path = [start]
        stack = [iter(sorted(graph[start]))]
        colour[start] = GREY
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                colour[path.pop()] = BLACK
                stack.pop()
                continue
            if colour.get(nxt, BLACK) == GREY:
                return path[path.index(nxt):] + [nxt]
            if colour.get(nxt) == WHITE:
                colour[nxt] = GREY
                path.append(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return None


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def forbidden_imports(graph: dict[str, set[str]], package: str, allowed=(), forbidden=()) -> list[str]:
    """'a -> b' for each import from `package` that breaks its rule: with
    `allowed`, only its own modules and those are allowed; with `forbidden`,
    those are not."""
    top = package.split(".")[0]
    bad = []
    for module, targets in sorted(graph.items()):
        if not _in(module, package):
            continue
        for target in sorted(targets):
            if _in(target, package) or not _in(target, top):
                continue
            if allowed and not any(_in(target, ok) for ok in allowed):
                bad.append(f"{module} -> {target}")
            if any(_in(target, no) for no in forbidden):
                bad.append(f"{module} -> {target}")
    return bad


def long_modules(root: Path, limit: int = MAX_LINES) -> list[str]:
    out = []
    for name, path in modules(root).items():
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > limit:
            out.append(f"{name}: {n} lines")
    return out


def loose_modules(root: Path) -> list[str]:
    return sorted(p.name for p in root.glob("*.py"))


# ---------------------------------------------------------------- the package itself


def test_the_graph_sees_the_package():
    graph = import_graph(PACKAGE_DIR)
    # Sanity: the reader finds modules, sub-packages and imports inside functions.
    assert "voice_mock.analysis" in graph and "voice_mock.types" in graph
    assert sum(len(v) for v in graph.values()) > 50
    assert any(t.startswith("voice_mock.") for t in graph["voice_mock.cli.main"])


def test_no_import_cycle():
    cycle = find_cycle(import_graph(PACKAGE_DIR))
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_analysis_is_pure():
    graph = import_graph(PACKAGE_DIR)
    bad = forbidden_imports(graph, "voice_mock.analysis", allowed=ANALYSIS_MAY_IMPORT)
    assert bad == [], "analysis may import only itself, voice_mock.types and voice_mock.errors: " + "; ".join(bad)


def test_meaning_model_knows_only_plain_data():
    # The sentence-meaning model reaches the analysis only through its
    # CueScorer protocol: meaning/ imports no other layer, and no layer but
    # the CLI (which builds it) and the interview (which passes it on) names it.
    graph = import_graph(PACKAGE_DIR)
    bad = forbidden_imports(graph, "voice_mock.meaning", allowed=ANALYSIS_MAY_IMPORT)
    bad += [f"{m} -> {t}" for m, targets in graph.items() for t in targets
            if _in(t, "voice_mock.meaning") and not _in(m, "voice_mock.meaning") and not _in(m, "voice_mock.cli")
            and not _in(m, "voice_mock.evaluation")]
    assert bad == [], "; ".join(bad)


def test_audio_and_speech_know_nothing_of_sessions_or_the_cli():
    graph = import_graph(PACKAGE_DIR)
    bad = []
    for layer in DEVICE_AND_MODEL_LAYERS:
        bad += forbidden_imports(graph, f"voice_mock.{layer}",
                                 forbidden=[f"voice_mock.{p}" for p in NOT_BELOW_SESSIONS])
    # audio sits under speech: blocks and files, no models' words.
    bad += forbidden_imports(graph, "voice_mock.audio", forbidden=["voice_mock.speech"])
    assert bad == [], "; ".join(bad)


def test_only_the_cli_imports_the_cli():
    graph = import_graph(PACKAGE_DIR)
    bad = [f"{m} -> {t}" for m, targets in graph.items() for t in targets
           if _in(t, "voice_mock.cli") and not _in(m, "voice_mock.cli") and m != "voice_mock.__main__"]
    assert bad == [], "; ".join(bad)


def test_batch_is_reached_only_from_the_cli_and_knows_no_cli():
    graph = import_graph(PACKAGE_DIR)
    bad = forbidden_imports(graph, "voice_mock.batch", forbidden=["voice_mock.cli", "voice_mock.evaluation"])
    bad += [f"{m} -> {t}" for m, targets in graph.items() for t in targets
            if _in(t, "voice_mock.batch") and not (_in(m, "voice_mock.batch") or _in(m, "voice_mock.cli"))]
    assert bad == [], "; ".join(bad)


def test_no_module_over_400_lines():
    assert long_modules(PACKAGE_DIR) == []


def test_few_loose_modules_at_the_top():
    loose = loose_modules(PACKAGE_DIR)
    assert len(loose) <= MAX_LOOSE, f"{len(loose)} modules loose in voice_mock/: {loose}"


# ---------------------------------------------------------------- the checks can fail


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "voice_mock"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_cycle_finder_on_small_graphs():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None  # a diamond is no cycle
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"x": {"y"}, "y": {"z"}, "z": {"y"}}) == ["y", "z", "y"]
    assert find_cycle({"a": {"a"}}) == ["a", "a"]


def test_cycle_through_a_function_level_import_is_found(tmp_path):
    root = _tree(tmp_path, {
        "__init__.py": "",
        "cli/__init__.py": "",
        "cli/main.py": "from . import review\n",
        "cli/review.py": "def f():\n    from .main import g\n",  # the old cli <-> review_cli circle
        "types.py": "",
    })
    graph = import_graph(root)
    assert graph["voice_mock.cli.main"] == {"voice_mock.cli.review"}
    assert graph["voice_mock.cli.review"] == {"voice_mock.cli.main"}
    assert find_cycle(graph) == ["voice_mock.cli.main", "voice_mock.cli.review", "voice_mock.cli.main"]


def test_layer_rules_catch_a_broken_tree(tmp_path):
    root = _tree(tmp_path, {
        "__init__.py": "",
        "types.py": "",
        "errors.py": "",
        "analysis/__init__.py": "from voice_mock.types import X\nfrom .text import t\n",
        "analysis/text.py": "def f():\n    from ..review.history import h\n",
        "review/__init__.py": "",
        "review/history.py": "from voice_mock.analysis import a\n",
        "audio/__init__.py": "",
        "audio/vad.py": "import voice_mock.speech.tts\nimport numpy\n",
        "speech/__init__.py": "",
        "speech/tts.py": "from voice_mock.cli import main\n",
        "cli/__init__.py": "",
        "cli/main.py": "from voice_mock.review import history\n",
    })
    graph = import_graph(root)
    assert forbidden_imports(graph, "voice_mock.analysis", allowed=ANALYSIS_MAY_IMPORT) == [
        "voice_mock.analysis.text -> voice_mock.review.history"]
    assert forbidden_imports(graph, "voice_mock.speech", forbidden=["voice_mock.cli"]) == [
        "voice_mock.speech.tts -> voice_mock.cli.main"]
    assert forbidden_imports(graph, "voice_mock.audio", forbidden=["voice_mock.speech"]) == [
        "voice_mock.audio.vad -> voice_mock.speech.tts"]
    assert forbidden_imports(graph, "voice_mock.cli", forbidden=["voice_mock.audio"]) == []


def test_size_checks_catch_a_long_module_and_a_crowded_top(tmp_path):
    files = {f"m{i}.py": "" for i in range(MAX_LOOSE + 1)}
    files["sub/__init__.py"] = ""
    files["sub/big.py"] = "x = 1\n" * (MAX_LINES + 1)
    files["sub/ok.py"] = "x = 1\n" * MAX_LINES
    root = _tree(tmp_path, files)
    assert long_modules(root) == [f"voice_mock.sub.big: {MAX_LINES + 1} lines"]
    assert len(loose_modules(root)) == MAX_LOOSE + 1


def readme_missing(root: Path, readme: str) -> list[str]:
    """Sub-packages and modules the README's module map does not name
    (the modules of analysis/ are described in docs/feedback.md instead)."""
    section = readme.split("## How it works", 1)[-1].split("\n## ", 1)[0]
    missing = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if len(rel.parts) > 1 and f"{rel.parts[0]}/" not in section:
            missing.append(f"{rel.parts[0]}/")
        if rel.name in ("__init__.py", "__main__.py") or rel.parts[0] == "analysis":
            continue
        if f"{rel.name}`" not in section:
            missing.append(str(rel))
    return sorted(set(missing))


def test_readme_module_map_matches_the_tree():
    readme = (PACKAGE_DIR.parent / "README.md").read_text(encoding="utf-8")
    assert readme_missing(PACKAGE_DIR, readme) == []


def test_readme_check_catches_an_unlisted_module(tmp_path):
    root = _tree(tmp_path, {"__init__.py": "", "types.py": "", "audio/__init__.py": "", "audio/vad.py": "",
                            "audio/new.py": "", "analysis/__init__.py": "", "analysis/x.py": ""})
    readme = "# x\n## How it works\n| `types.py` | ... |\n| `audio/vad.py` | ... |\n| `analysis/` | ... |\n## Figures\n`new.py`\n"
    assert readme_missing(root, readme) == ["audio/new.py"]
