"""A Carrara TensorModel: replace the body with your own model.

The class is built once, with the model's home folder; predict gets a dict of numpy arrays, one per
input tensor carrara.yaml declares (the first dimension is the rows), and returns a dict of arrays,
one per output tensor, with the same first dimension.
"""
import json

import carrara
import numpy as np


class Model(carrara.TensorModel):
    def __init__(self, home):
        # Load what the model needs from artifacts/ (weights, a vocabulary).
        with open(home / "artifacts" / "weights.json") as f:
            weights = json.load(f)
        self.matrix, self.bias = np.array(weights["matrix"]), np.array(weights["bias"])

    def predict(self, inputs):
        return {"scores": inputs["features"] @ self.matrix + self.bias}
