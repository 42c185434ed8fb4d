"""The analytics package stays pure: importing it must not import Django."""

import subprocess
import sys

MODULES = (
    "compare",
    "constants",
    "funnel",
    "ipa",
    "metrics",
    "pareto",
    "queueing",
    "reliability",
    "servqual",
    "spc",
    "summary",
)


def test_importing_every_module_leaves_django_unimported() -> None:
    code = (
        "import sys\n"
        + "".join(f"import sqms.analytics.{m}\n" for m in MODULES)
        + "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == ""


def test_every_public_function_documents_formula_source_and_example() -> None:
    import importlib
    import inspect

    for name in MODULES:
        module = importlib.import_module(f"sqms.analytics.{name}")
        assert "References" in (module.__doc__ or ""), name
        for attr in module.__all__:
            obj = getattr(module, attr)
            if inspect.isfunction(obj):
                doc = obj.__doc__ or ""
                assert ">>>" in doc, f"{name}.{attr} has no example"
                assert ":math:" in doc or "math::" in doc, f"{name}.{attr} has no formula"
