"""Carrara's Python model runtime: the base classes a model.py derives from, validation of a model
home against its own validation rows, and the worker the Java server runs (python -m carrara.worker).
The contract is docs/python-models.md in the Carrara repository."""
from __future__ import annotations

__version__ = "0.1.0"

from carrara.base import DataFrameModel, TensorModel
from carrara.errors import ModelHomeError, PredictionError
from carrara.loading import LoadedModel, load_model
from carrara.validation import ValidationReport, validate

__all__ = [
    "__version__",
    "DataFrameModel",
    "TensorModel",
    "ModelHomeError",
    "PredictionError",
    "LoadedModel",
    "load_model",
    "ValidationReport",
    "validate",
]
