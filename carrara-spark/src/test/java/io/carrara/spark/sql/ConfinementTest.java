package io.carrara.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ConfinementTest {
    private final URI warehouse = Confinement.directory("file:///home/carrara/spark/warehouse/");

    @Test
    void aLocationUnderTheDirectoryIsWithinWhateverTheFileUriSpelling() {
        assertThat(Confinement.within(URI.create("file:/home/carrara/spark/warehouse/ml.db/trips"), warehouse)).isTrue();
        assertThat(Confinement.within(URI.create("file:///home/carrara/spark/warehouse/ml.db/trips/"), warehouse)).isTrue();
        assertThat(Confinement.within(URI.create("file:/home/carrara/spark/warehouse"), warehouse)).isTrue();
        assertThat(Confinement.within("/home/carrara/spark/warehouse/trips", warehouse)).isTrue();
        assertThat(Confinement.within(URI.create("file:/home/carrara/spark/./warehouse/x"), warehouse)).isTrue();
        assertThat(Confinement.within(URI.create("file:/home/carrara/spark/warehouse"),
                Confinement.directory("/home/carrara/spark/warehouse"))).isTrue();
    }

    @Test
    void aLocationElsewhereOrClimbingOutIsNot() {
        assertThat(Confinement.within(URI.create("file:/etc"), warehouse)).isFalse();
        assertThat(Confinement.within(URI.create("file:/home/carrara/spark/warehouse2/t"), warehouse)).isFalse();
        assertThat(Confinement.within(URI.create("file:/home/carrara/spark/warehouse/../metastore"), warehouse)).isFalse();
        assertThat(Confinement.within(URI.create("hdfs://cluster/home/carrara/spark/warehouse/t"), warehouse)).isFalse();
        assertThat(Confinement.within("relative/warehouse", warehouse)).isFalse();
        assertThat(Confinement.within("not a uri:%%", warehouse)).isFalse();
    }

    @Test
    void objectStoresCompareTheBucket() {
        URI bucket = Confinement.directory("s3a://lake/warehouse");
        assertThat(Confinement.within(URI.create("s3a://lake/warehouse/ml.db/t"), bucket)).isTrue();
        assertThat(Confinement.within(URI.create("s3a://other/warehouse/ml.db/t"), bucket)).isFalse();
        assertThat(Confinement.within(URI.create("s3://lake/warehouse/ml.db/t"), bucket)).isFalse();
    }
}
