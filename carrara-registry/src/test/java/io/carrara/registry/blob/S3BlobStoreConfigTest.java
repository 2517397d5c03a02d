package io.carrara.registry.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carrara.spi.error.CarraraException;
import java.net.URI;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class S3BlobStoreConfigTest {
    private static final URI ENDPOINT = URI.create("http://localhost:9000");

    @Test
    void acceptsAnS3CompatibleServiceAndAws() {
        assertThat(new S3BlobStoreConfig("models", "carrara/blobs", ENDPOINT, "us-east-1", true, "key", "secret",
                false).prefix()).isEqualTo("carrara/blobs");
        assertThat(new S3BlobStoreConfig("my.models-1", "", null, "eu-west-3", false, null, null, true).endpoint())
                .isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ab", "Models", "models_1", "-models", "models-", "a..b", "bucket/name"})
    void rejectsInvalidBucketNames(String bucket) {
        assertInvalid(() -> config(bucket, "p", "us-east-1", ENDPOINT, "key", "secret"), "bucket")
                .contains("not a valid S3 bucket name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/carrara", "carrara/", "a//b", "/"})
    void rejectsPrefixesWithStrayDelimiters(String prefix) {
        assertInvalid(() -> config("models", prefix, "us-east-1", ENDPOINT, "key", "secret"), "prefix");
    }

    @Test
    void rejectsBlankRegionAndEndpointWithoutHost() {
        assertInvalid(() -> config("models", "p", " ", ENDPOINT, "key", "secret"), "region");
        assertInvalid(() -> config("models", "p", "us-east-1", URI.create("localhost:9000"), "key", "secret"),
                "endpoint");
    }

    @Test
    void requiresBothCredentialsOrNeither() {
        assertInvalid(() -> config("models", "p", "us-east-1", ENDPOINT, "key", null), "secretAccessKey");
        assertInvalid(() -> config("models", "p", "us-east-1", ENDPOINT, null, "secret"), "accessKeyId");
    }

    @Test
    void rejectsNulls() {
        assertThatThrownBy(() -> config(null, "p", "us-east-1", ENDPOINT, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("bucket is null");
        assertThatThrownBy(() -> config("models", null, "us-east-1", ENDPOINT, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("prefix is null");
        assertThatThrownBy(() -> config("models", "p", null, ENDPOINT, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("region is null");
    }

    @Test
    void toStringHidesTheSecret() {
        S3BlobStoreConfig config = config("models", "p", "us-east-1", ENDPOINT, "AKIAEXAMPLE", "wJalrXUtnFEMI");

        assertThat(config.toString()).contains("AKIAEXAMPLE").contains("****").doesNotContain("wJalrXUtnFEMI");
    }

    private static S3BlobStoreConfig config(String bucket, String prefix, String region, URI endpoint,
            String accessKeyId, String secretAccessKey) {
        return new S3BlobStoreConfig(bucket, prefix, endpoint, region, true, accessKeyId, secretAccessKey, false);
    }

    private static AbstractStringAssert<?> assertInvalid(Runnable construction, String field) {
        CarraraException error = catchThrowableOfType(CarraraException.class,
                construction::run);
        assertThat(error).as("expected a CarraraException about %s", field).isNotNull();
        assertThat(error.errorCode().name()).isEqualTo("INVALID_ARGUMENT");
        assertThat(error.field()).contains(field);
        return assertThat(error.getMessage());
    }
}
