package io.carrara.api.alerts;

/** What came of posting an alert to one webhook: delivered or not, the last HTTP status (0: no answer), in words. */
public record AlertDelivery(long webhook, String url, boolean delivered, int status, int attempts, String detail) {}
