package io.carrara.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.spi.error.CarraraException;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import io.carrara.spi.schema.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelHomeTest {
    @TempDir
    Path temp;

    @Test
    void readsADataframeHome() {
        ModelHome home = ModelHome.read(ModelHomes.dataframe(temp, "doubler"));

        assertThat(home.kind()).isEqualTo(ModelHome.Kind.DATAFRAME);
        assertThat(home.python()).isEqualTo("3.11");
        assertThat(home.inputs()).extracting(ModelHome.Column::name).containsExactly("x", "n", "label");
        assertThat(home.outputs()).extracting(ModelHome.Column::type).containsExactly("double", "bigint", "string", "boolean");
        assertThat(home.tolerance()).isEqualTo(new ModelHome.Tolerance(1e-9, 0));
        assertThat(home.warnings()).isEmpty();
        assertThat(home.directory()).isEqualTo(temp.resolve("doubler").toAbsolutePath());
        assertThat(home.inputSchema()).isEqualTo(Schema.of(new Field("x", DataType.DOUBLE), new Field("n", DataType.LONG),
                new Field("label", DataType.STRING)));
    }

    @Test
    void mapsEveryDataframeType() {
        Path dir = ModelHomes.write(temp.resolve("types"), """
                formatVersion: 1
                kind: dataframe
                python: "3.11"
                inputs:
                  - {name: a, type: boolean}
                  - {name: b, type: int}
                  - {name: c, type: bigint}
                  - {name: d, type: float}
                  - {name: e, type: double}
                  - {name: f, type: string}
                  - {name: g, type: "array<double>"}
                  - {name: h, type: "array<string>"}
                outputs:
                  - {name: y, type: double}
                """, "", "", "{}", "{}");

        assertThat(ModelHome.read(dir).inputSchema().fields()).extracting(Field::type).containsExactly(DataType.BOOLEAN,
                DataType.INTEGER, DataType.LONG, DataType.FLOAT, DataType.DOUBLE, DataType.STRING, DataType.DOUBLE_ARRAY,
                DataType.STRING_ARRAY);
    }

    @Test
    void readsATensorHome() {
        Path dir = ModelHomes.write(temp.resolve("tensor"), """
                formatVersion: 1
                kind: tensor
                python: "3.11"
                inputs:
                  - {name: pixels, datatype: FP32, shape: [-1, 2, 2]}
                  - {name: scale, datatype: FP64, shape: [-1]}
                  - {name: word, datatype: BYTES, shape: [-1]}
                outputs:
                  - {name: total, datatype: FP64, shape: [-1]}
                """, "", "numpy\n# a comment\n--index-url https://example.org/simple\nscikit-learn>=1.3\npandas==2.3.3\n", "{}", "{}");

        ModelHome home = ModelHome.read(dir);

        assertThat(home.kind()).isEqualTo(ModelHome.Kind.TENSOR);
        assertThat(home.inputs().get(0)).isEqualTo(new ModelHome.Column("pixels", "FP32", List.of(-1, 2, 2)));
        assertThat(home.inputs().get(0).valuesPerRow()).isEqualTo(4);
        assertThat(home.inputSchema().fields()).extracting(Field::type)
                .containsExactly(DataType.DOUBLE_ARRAY, DataType.DOUBLE, DataType.STRING);
        assertThat(home.warnings()).hasSize(2);
        assertThat(home.warnings().get(0)).contains("\"numpy\" is not pinned");
        assertThat(home.warnings().get(1)).contains("\"scikit-learn>=1.3\" is not pinned");
        assertThat(home.tolerance()).isEqualTo(new ModelHome.Tolerance(0, 0));
    }

    @Test
    void refusesAnUnknownType() {
        Path dir = ModelHomes.dataframe(temp, "bad");
        ModelHomes.file(dir, "carrara.yaml", ModelHomes.DATAFRAME_YAML.replace("type: string", "type: text"));

        assertRefused(dir, "inputs[2].type", "carrara.yaml: inputs[2].type must be one of boolean");
    }

    @Test
    void refusesWhatBreaksTheContract() {
        String yaml = ModelHomes.DATAFRAME_YAML;
        assertRefusedYaml(yaml.replace("formatVersion: 1", "formatVersion: 2"), "formatVersion", "formatVersion must be 1");
        assertRefusedYaml(yaml.replace("kind: dataframe", "kind: table"), "kind", "kind must be dataframe or tensor");
        assertRefusedYaml(yaml.replace("python: \"3.11\"", "python: 3.10"), "python", "quoted");
        assertRefusedYaml(yaml.replace("python: \"3.11\"", "python: \"2.7\""), "python", "major.minor");
        assertRefusedYaml(yaml + "owner: me\n", "owner", "carrara.yaml: owner is not a known key");
        assertRefusedYaml(yaml.replace("  - name: n\n", "  - name: x\n"), "inputs[1].name", "appears twice");
        assertRefusedYaml(yaml.replace("    type: bigint\n  - name: label",
                "    type: bigint\n    unit: cm\n  - name: label"), "inputs[1].unit", "not a known key");
        assertRefusedYaml(yaml.replace("absolute: 1.0e-9", "absolute: -1"), "tolerance.absolute", "not below 0");
        assertRefusedYaml("formatVersion: 1\nkind: dataframe\npython: \"3.11\"\ninputs: []\noutputs: [{name: y, type: double}]\n",
                "inputs", "non-empty list");
        assertRefusedYaml("formatVersion: 1\nkind: tensor\npython: \"3.11\"\ninputs: [{name: t, datatype: FP64, shape: [3]}]\n"
                + "outputs: [{name: y, datatype: FP64, shape: [-1]}]\n", "inputs[0].shape", "first element is -1");
        assertRefusedYaml("kind: [\n", "carrara.yaml", "not valid YAML");
    }

    @Test
    void refusesAnIncompleteFolder() throws Exception {
        Path dir = ModelHomes.dataframe(temp, "incomplete");
        Files.delete(dir.resolve("validation/expected.jsonl"));
        assertRefused(dir, "validation", "validation/expected.jsonl is missing");
        Files.delete(dir.resolve("model.py"));
        assertRefused(dir, "model.py", "model.py is missing");
        Files.delete(dir.resolve("carrara.yaml"));
        assertRefused(dir, "carrara.yaml", "carrara.yaml is missing");
        ModelHomes.file(ModelHomes.dataframe(temp, "packages"), "packages.txt", "libgomp1 # OpenMP\n\nrm -rf /\n");
        assertRefused(temp.resolve("packages"), "packages.txt", "packages.txt: line 3 \"rm -rf /\" is not a Debian package name");
    }

    @Test
    void listsSystemPackages() {
        Path dir = ModelHomes.dataframe(temp, "withPackages");
        ModelHomes.file(dir, "packages.txt", "# needed by lightgbm\nlibgomp1\n\nlibstdc++6  # C++\n");

        assertThat(ModelHome.read(dir).systemPackages()).containsExactly("libgomp1", "libstdc++6");
    }

    private void assertRefusedYaml(String yaml, String field, String message) {
        Path dir = ModelHomes.dataframe(temp, "case" + Math.abs(yaml.hashCode()));
        ModelHomes.file(dir, "carrara.yaml", yaml);
        assertRefused(dir, field, message);
    }

    private static void assertRefused(Path dir, String field, String message) {
        assertThatThrownBy(() -> ModelHome.read(dir))
                .isInstanceOfSatisfying(CarraraException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(PythonErrorCode.MODEL_HOME_INVALID.toErrorCode());
                    assertThat(e.field()).contains(field);
                })
                .hasMessageContaining(message);
    }
}
