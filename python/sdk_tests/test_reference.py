"""The committed reference page is what the docstrings say now."""
from __future__ import annotations

import subprocess
import sys


def test_reference_page_is_up_to_date(repository):
    result = subprocess.run([sys.executable, str(repository / "python" / "tools" / "reference.py"), "--check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_every_public_client_method_has_a_docstring():
    import inspect

    import carrara
    missing = [name for name, member in inspect.getmembers(carrara.Client, inspect.isfunction)
               if not name.startswith("_") and not (member.__doc__ or "").strip()]
    assert missing == []
