package io.carrara.api.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * The body of {@code POST /api/v1/batch/jobs}: exactly one of {@code instance} and {@code deployment},
 * the query whose rows to score, the output table, the execution date whose partition the job writes,
 * and optionally the model's columns to keep (absent: all). The server checks each and names the field.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NewBatchJob(UUID instance, String deployment, String query, String output, LocalDate executionDate,
        List<String> columns) {}
