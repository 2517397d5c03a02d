"""A small neural network (30 inputs, 8 tanh units, one sigmoid output) in plain numpy, as a Carrara
TensorModel: it takes the tensor `measurements` of shape [n, 30] and gives `probability_malignant`
of shape [n], which is exactly how an Open Inference Protocol request and answer carry them."""
import carrara
import numpy as np


class BreastCancerNetwork(carrara.TensorModel):
    def __init__(self, home):
        weights = np.load(home / "artifacts" / "network.npz")
        self.mean, self.scale = weights["mean"], weights["scale"]
        self.hidden, self.hidden_bias = weights["hidden"], weights["hidden_bias"]
        self.output, self.output_bias = weights["output"], weights["output_bias"]

    def predict(self, inputs):
        x = (inputs["measurements"] - self.mean) / self.scale
        hidden = np.tanh(x @ self.hidden + self.hidden_bias)
        logit = hidden @ self.output + self.output_bias
        return {"probability_malignant": 1.0 / (1.0 + np.exp(-logit))}
