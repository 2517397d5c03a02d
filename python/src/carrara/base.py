"""The two base classes a model.py derives its model class from."""
from __future__ import annotations

import abc
from pathlib import Path
from typing import Dict

import numpy
import pandas


class _Model(abc.ABC):
    def __init__(self, home: Path):
        self.home = home

    @classmethod
    def load(cls, home: Path):
        """Builds the model from its home folder. Override it as a classmethod when the constructor
        should not take the folder (for instance when the model is unpickled whole)."""
        return cls(home)


class DataFrameModel(_Model):
    """A model whose predict takes a pandas DataFrame of the declared inputs (in declared order) and
    returns a DataFrame with one row per input row and (at least) the declared output columns.

        class BreastCancer(carrara.DataFrameModel):
            def __init__(self, home):
                self.pipeline = joblib.load(home / "artifacts" / "model.joblib")

            def predict(self, df):
                return pandas.DataFrame({"probability": self.pipeline.predict_proba(df)[:, 1]})
    """

    kind = "dataframe"

    @abc.abstractmethod
    def predict(self, df: pandas.DataFrame) -> pandas.DataFrame:
        raise NotImplementedError


class TensorModel(_Model):
    """A model whose predict takes a dict of numpy arrays, one per declared input tensor, each of shape
    [n, *shape[1:]], and returns a dict of numpy arrays, one per declared output, each with first
    dimension n."""

    kind = "tensor"

    @abc.abstractmethod
    def predict(self, inputs: Dict[str, numpy.ndarray]) -> Dict[str, numpy.ndarray]:
        raise NotImplementedError


MODEL_BASES = {DataFrameModel.kind: DataFrameModel, TensorModel.kind: TensorModel}
