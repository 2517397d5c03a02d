package io.carrara.registry;

/**
 * Points inside registry transactions where tests inject faults to prove that a failure at any
 * step leaves no partial write. Production uses {@link #NONE}.
 */
public interface RegistryHooks {
    RegistryHooks NONE = operation -> {};

    /** Called inside the transaction after all rows of {@code operation} are written, before commit. */
    void beforeCommit(String operation);
}
