package io.carrara.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The body of {@code PUT /api/v1/deployments/{name}/monitoring/settings}: what the deployment predicts, its alert
 * thresholds ({@code ["auc < 0.7", "drift.psi.max > 0.25"]}; none when absent), the input field its outcomes may be
 * keyed by ({@code outcomeKey}: none when absent) and the lookback for matching them ({@code 14d} when absent), and its
 * window sizes ({@code ["1d", "1h"]} when absent).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MonitoringSettingsRequest(String task, List<String> alerts, String outcomeKey, String lookback, List<String> windows) {
    public MonitoringSettingsRequest(String task) {
        this(task, null, null, null, null);
    }

    public MonitoringSettingsRequest(String task, List<String> alerts) {
        this(task, alerts, null, null, null);
    }
}
