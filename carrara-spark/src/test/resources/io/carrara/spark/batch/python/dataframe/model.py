"""The CLI's DataFrameModel template, raising for x1 above 100 so that batch tests see predict fail.

The logit is computed column by column rather than with the template's matrix product: numpy's matmul may
round the last bit differently depending on how many rows a call holds, and the batch-versus-online test
holds the two to exact equality.
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
        if (df["x1"] > 100).any():
            raise ValueError(f"x1 out of range: {df['x1'].max()}")
        logit = df["x1"].to_numpy() * self.weights[0] + df["x2"].to_numpy() * self.weights[1] + self.bias
        probability = 1.0 / (1.0 + np.exp(-logit))
        return pd.DataFrame({"probability": probability, "label": np.where(probability >= 0.5, "yes", "no")})
