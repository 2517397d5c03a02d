package io.carrara.python;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes model home folders for tests. */
final class ModelHomes {
    static final String DATAFRAME_YAML = """
            formatVersion: 1
            kind: dataframe
            python: "3.11"
            inputs:
              - name: x
                type: double
              - name: n
                type: bigint
              - name: label
                type: string
            outputs:
              - name: doubled
                type: double
              - name: next
                type: bigint
              - name: shout
                type: string
              - name: positive
                type: boolean
            tolerance:
              absolute: 1.0e-9
            """;

    static final String DATAFRAME_MODEL = """
            import carrara
            import pandas as pd

            class Doubler(carrara.DataFrameModel):
                def __init__(self, home):
                    self.factor = 2.0

                def predict(self, df):
                    return pd.DataFrame({
                        "doubled": df["x"] * self.factor,
                        "next": df["n"] + 1,
                        "shout": df["label"].str.upper(),
                        "positive": df["x"] > 0,
                    })
            """;

    static final String DATAFRAME_INPUT = """
            {"x": 1.5, "n": 41, "label": "a"}
            {"x": -2.0, "n": 0, "label": "b"}
            """;

    static final String DATAFRAME_EXPECTED = """
            {"doubled": 3.0, "next": 42, "shout": "A", "positive": true}
            {"doubled": -4.0, "next": 1, "shout": "B", "positive": false}
            """;

    private ModelHomes() {}

    /** The doubling dataframe model, with the shared test requirements. */
    static Path dataframe(Path parent, String name) {
        return write(parent.resolve(name), DATAFRAME_YAML, DATAFRAME_MODEL, TestEnvironments.REQUIREMENTS, DATAFRAME_INPUT,
                DATAFRAME_EXPECTED);
    }

    static Path write(Path dir, String yaml, String model, String requirements, String input, String expected) {
        try {
            Files.createDirectories(dir.resolve("validation"));
            Files.writeString(dir.resolve("carrara.yaml"), yaml);
            Files.writeString(dir.resolve("model.py"), model);
            Files.writeString(dir.resolve("requirements.txt"), requirements);
            Files.writeString(dir.resolve("validation/input.jsonl"), input);
            Files.writeString(dir.resolve("validation/expected.jsonl"), expected);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void file(Path dir, String name, String text) {
        try {
            Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
