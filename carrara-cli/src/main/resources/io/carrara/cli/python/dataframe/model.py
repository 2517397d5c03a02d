"""A Carrara DataFrameModel: replace the body with your own model.

The class is built once, with the model's home folder; predict gets a pandas DataFrame whose columns
are the inputs carrara.yaml declares and returns one with one row per input row and its outputs.
"""
import json

import carrara
import numpy as np
import pandas as pd


class Model(carrara.DataFrameModel):
    def __init__(self, home):
        # Load what the model needs from artifacts/ (a pickle, weights, a vocabulary).
        with open(home / "artifacts" / "coefficients.json") as f:
            coefficients = json.load(f)
        self.weights = np.array(coefficients["weights"])
        self.bias = coefficients["bias"]

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        logit = df[["x1", "x2"]].to_numpy() @ self.weights + self.bias
        probability = 1.0 / (1.0 + np.exp(-logit))
        return pd.DataFrame({"probability": probability, "label": np.where(probability >= 0.5, "yes", "no")})
