"""The gateway, the policy engine and the CLI must run on a host without Django (DESIGN §2)."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["keeptrusts.policy", "keeptrusts.gateway", "keeptrusts.cli.main", "keeptrusts.wire"])
def test_core_module_imports_without_django(module):
    code = f"import sys, {module}; sys.exit(1 if 'django' in sys.modules else 0)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"{module} pulled Django in: {result.stderr}"
