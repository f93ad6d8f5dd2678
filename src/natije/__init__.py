"""natije — monitoring and evaluation of state programs.

The public Python API is re-exported here.
"""

from __future__ import annotations

__version__ = "0.1.0"

from natije.evaluation.api import evaluate

__all__ = ["__version__", "evaluate"]
