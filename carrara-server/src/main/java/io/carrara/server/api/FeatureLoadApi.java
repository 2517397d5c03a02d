package io.carrara.server.api;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.ProducesJson;
import io.carrara.server.http.RequestBodies.DataFile;
import io.carrara.server.http.RequestBodies;
import io.carrara.serving.features.FeatureFileFormat;
import io.carrara.serving.features.FeatureFileLoader;
import io.carrara.serving.features.FeatureStore;
import io.carrara.serving.features.FeatureValues;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * {@code POST /api/v1/features/{group}?key=driver_id&format=jsonl|csv}: a bulk load streamed from
 * the request body into the feature store, never held whole in memory; the answer counts the rows
 * loaded and failed and lists the bad lines.
 */
public final class FeatureLoadApi {
    private final FeatureFileLoader loader;

    public FeatureLoadApi(FeatureStore store) {
        this.loader = new FeatureFileLoader(requireNonNull(store, "store is null"));
    }

    @Post("/features/{group}")
    @ProducesJson
    public io.carrara.api.feature.FeatureLoadReport load(@Param("group") String group, @Param("key") Optional<String> key,
            @Param("format") Optional<String> format, HttpRequest request) throws IOException {
        FeatureValues.checkGroup(group);
        String keyColumn = key.filter(value -> !value.isBlank()).orElseThrow(() -> new CarraraException(INVALID_ARGUMENT,
                "the query parameter key is required: the column holding each row's entity key, e.g. ?key=driver_id",
                "key"));
        FeatureFileFormat fileFormat = RequestBodies.requireDataFile(request.headers(),
                format.map(value -> FeatureFileFormat.fromWireName(value, "format"))
                        .map(named -> named == FeatureFileFormat.CSV ? DataFile.CSV : DataFile.JSON_LINES)) == DataFile.CSV
                ? FeatureFileFormat.CSV : FeatureFileFormat.JSONL;
        try (InputStream body = request.toInputStream(object -> object instanceof HttpData data ? data : HttpData.empty())) {
            // The loader's parser closes what it reads; closing the request's stream early would abort the request.
            InputStream unclosable = new java.io.FilterInputStream(body) {
                @Override
                public void close() {}
            };
            try {
                return ApiMapping.featureLoadReport(loader.load(group, keyColumn, fileFormat, unclosable));
            } catch (RuntimeException e) {
                // Read what the client is still sending (bounded by the request limit), so that it gets this answer
                // instead of a connection closed under it.
                try {
                    body.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException unreadable) {
                    // The client went away: nobody is left to answer.
                }
                throw e;
            }
        }
    }
}
