package io.carrara.registry;

import io.carrara.spi.error.ErrorCatalog;
import io.carrara.spi.error.ErrorCode;
import java.util.List;

/** The catalog of {@link RegistryErrorCode}: numbers 0x0001_0000 to 0x0001_FFFF. */
public final class RegistryErrors implements ErrorCatalog {
    @Override
    public String module() {
        return "carrara-registry";
    }

    @Override
    public int rangeStart() {
        return 0x0001_0000;
    }

    @Override
    public List<ErrorCode> codes() {
        return ErrorCatalog.codesOf(RegistryErrorCode.values());
    }
}
