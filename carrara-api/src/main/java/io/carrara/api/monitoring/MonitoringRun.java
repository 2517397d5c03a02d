package io.carrara.api.monitoring;

import java.util.Map;

/** What a monitoring run did: per monitored deployment, how many windows it computed. */
public record MonitoringRun(Map<String, Integer> windowsByDeployment) {}
