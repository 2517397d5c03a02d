package io.carrara.api.monitoring;

import java.util.List;

/**
 * The body of {@code PUT /api/v1/deployments/{name}/monitoring/settings}: what the deployment predicts, and its alert
 * thresholds ({@code ["auc < 0.7", "drift.psi.max > 0.25"]}; none when absent).
 */
public record MonitoringSettingsRequest(String task, List<String> alerts) {
    public MonitoringSettingsRequest(String task) {
        this(task, null);
    }
}
