"""The engine is pure simulation: it never imports pygame."""
import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1] / "game" / "engine"


def test_engine_never_imports_pygame():
    for path in ENGINE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, (ast.Import, ast.ImportFrom)) else []
            module = getattr(node, "module", None) or ""
            assert not any(n.split(".")[0] in ("pygame", "pygame_gui") for n in names + [module]), path


def test_engine_uses_no_global_randomness():
    for path in ENGINE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "np.random.seed" not in text and "import random" not in text, path
        assert "np.random.rand" not in text and "np.random.normal" not in text, path
