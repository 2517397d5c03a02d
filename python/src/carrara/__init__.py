"""Carrara's Python package.

- For notebooks and scripts, the SDK: `carrara.connect()` gives a `Client` for the whole HTTP API of
  a Carrara server, and `carrara.PythonModel.from_home(DIR)` a model home folder to validate and upload.
- For model authors, the runtime: the base classes a model.py derives from (`DataFrameModel`,
  `TensorModel`), `carrara.validate(home)`, and the worker the Java server runs
  (`python -m carrara.worker`). The contract is docs/python-models.md in the Carrara repository.

Names are imported when first used, so that `import carrara` needs neither pandas (only the runtime
and DataFrame results do) nor httpx (only the SDK does).
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0.dev0"

_LAZY = {
    # the runtime (numpy, pandas, pyarrow)
    "DataFrameModel": "carrara.base",
    "TensorModel": "carrara.base",
    "ModelHomeError": "carrara.errors",
    "PredictionError": "carrara.errors",
    "LoadedModel": "carrara.loading",
    "load_model": "carrara.loading",
    "ValidationReport": "carrara.validation",
    "validate": "carrara.validation",
    # the SDK (httpx, tqdm)
    "connect": "carrara.sdk",
    "login": "carrara.sdk",
    "logout": "carrara.sdk",
    "Client": "carrara.sdk",
    "CarraraError": "carrara.sdk",
    "ConflictError": "carrara.sdk",
    "InvalidInputError": "carrara.sdk",
    "JobFailedError": "carrara.sdk",
    "NotFoundError": "carrara.sdk",
    "PermissionDeniedError": "carrara.sdk",
    "UnauthenticatedError": "carrara.sdk",
    "UnavailableError": "carrara.sdk",
    "RowsNotScoredError": "carrara.sdk.deployments",
    "PythonModel": "carrara.sdk.python_model",
    "ValidationFailedError": "carrara.sdk.python_model",
    "ModelHomeInvalidError": "carrara.sdk.python_model",
    "ValidationResult": "carrara.sdk.python_model",
    "Deployment": "carrara.sdk.deployments",
    "FeatureLookup": "carrara.sdk.deployments",
    "Instance": "carrara.sdk.registry",
    "WhoAmI": "carrara.sdk.access",
    "BatchJob": "carrara.sdk.batch",
    "Workflow": "carrara.sdk.batch",
    "WorkflowRun": "carrara.sdk.batch",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'carrara' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list:
    return sorted(__all__)


if TYPE_CHECKING:  # what type checkers and IDEs see
    from carrara.base import DataFrameModel, TensorModel
    from carrara.errors import ModelHomeError, PredictionError
    from carrara.loading import LoadedModel, load_model
    from carrara.sdk import (CarraraError, Client, ConflictError, InvalidInputError, JobFailedError, NotFoundError,
                             PermissionDeniedError, UnauthenticatedError, UnavailableError, connect, login, logout)
    from carrara.sdk.access import WhoAmI
    from carrara.sdk.batch import BatchJob, Workflow, WorkflowRun
    from carrara.sdk.deployments import Deployment, FeatureLookup, RowsNotScoredError
    from carrara.sdk.python_model import ModelHomeInvalidError, PythonModel, ValidationFailedError, ValidationResult
    from carrara.sdk.registry import Instance
    from carrara.validation import ValidationReport, validate
