package io.carrara.monitoring.drift;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The distribution of one feature (or of the prediction) in a {@link Profile}: counts over bins that a
 * second profile can be counted on, so that two profiles compare bin by bin.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = NumericProfile.class, name = "numeric"),
        @JsonSubTypes.Type(value = CategoricalProfile.class, name = "categorical")})
public sealed interface FeatureProfile permits NumericProfile, CategoricalProfile {

    /** Rows whose value is null, missing, NaN, or (for a numeric profile) not a number. */
    long nulls();

    /** The counts of the value bins, without the null count, in bin order. */
    @JsonIgnore
    long[] binCounts();

    /** Every row counted: the bins plus the nulls. */
    @JsonIgnore
    default long rows() {
        long rows = nulls();
        for (long count : binCounts()) {
            rows += count;
        }
        return rows;
    }
}
