package io.carrara.registry.model;

/** A request to create a project; validated by the registry, which names the bad field. */
public record NewProject(String name, String description) {}
