package io.carrara.server.api;

import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;
import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.ProducesJson;
import com.linecorp.armeria.server.annotation.Put;
import io.carrara.api.feature.FeatureEntity;
import io.carrara.server.http.RequestBodies;
import io.carrara.serving.features.FeatureStore;
import io.carrara.serving.features.FeatureValues;
import io.carrara.spi.error.CarraraException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The online feature store's JSON endpoints under {@code /api/v1/features}; see docs/api.md. */
@ProducesJson
public final class FeatureApi {
    private final FeatureStore store;

    public FeatureApi(FeatureStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    @Put("/features/{group}/{key}")
    public FeatureEntity put(@Param("group") String group, @Param("key") String key, AggregatedHttpRequest request) {
        FeatureValues.checkGroup(group);
        FeatureValues.checkKey(key);
        RequestBodies.requireJson(request.headers());
        store.put(group, key, FeatureValues.parseObject(request.contentUtf8(), "body"));
        return new FeatureEntity(group, key, store.get(group, key, List.of()));
    }

    @Get("/features/{group}/{key}")
    public FeatureEntity get(@Param("group") String group, @Param("key") String key,
            @Param("features") Optional<String> features) {
        List<String> selected = features.map(FeatureApi::splitNames).orElse(List.of());
        Map<String, Object> found = store.get(group, key, selected);
        if (found.isEmpty()) {
            throw new CarraraException(NOT_FOUND, "group " + group + " has no " + (selected.isEmpty() ? "features"
                    : "feature of " + String.join(", ", selected)) + " for key '" + key
                    + "'; write them with PUT /api/v1/features/" + group + "/{key}", "key");
        }
        if (selected.isEmpty()) {
            return new FeatureEntity(group, key, found);
        }
        // Asked-for features that are missing answer null, so the answer has the shape that was asked for.
        Map<String, Object> answer = new LinkedHashMap<>();
        FeatureValues.checkFeatures(selected).forEach(name -> answer.put(name, found.get(name)));
        return new FeatureEntity(group, key, answer);
    }

    @Delete("/features/{group}/{key}")
    public HttpResponse delete(@Param("group") String group, @Param("key") String key) {
        if (!store.delete(group, key)) {
            throw new CarraraException(NOT_FOUND, "group " + group + " has no key '" + key + "'", "key");
        }
        return HttpResponse.of(HttpStatus.NO_CONTENT);
    }

    private static List<String> splitNames(String names) {
        return Arrays.stream(names.split(",")).map(String::strip).filter(name -> !name.isEmpty()).toList();
    }
}
