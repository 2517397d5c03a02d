"""The breast-cancer classifier as a Carrara DataFrameModel: the scikit-learn pipeline train.py
fitted (a scaler and a logistic regression), loaded once, scoring a DataFrame of the 30 measurements."""
import carrara
import joblib
import pandas as pd


class BreastCancer(carrara.DataFrameModel):
    def __init__(self, home):
        self.pipeline = joblib.load(home / "artifacts" / "model.joblib")
        # The position of "malignant" among the classes the pipeline learnt, not assumed to be 0 or 1.
        self.malignant = list(self.pipeline.classes_).index("malignant")

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        probabilities = self.pipeline.predict_proba(df)
        return pd.DataFrame({
            "probability_malignant": probabilities[:, self.malignant],
            "predicted_diagnosis": self.pipeline.predict(df),
        })
