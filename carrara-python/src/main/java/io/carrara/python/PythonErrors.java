package io.carrara.python;

import io.carrara.spi.error.ErrorCatalog;
import io.carrara.spi.error.ErrorCode;
import java.util.List;

/** The catalog of {@link PythonErrorCode}: numbers 0x0006_0000 to 0x0006_FFFF. */
public final class PythonErrors implements ErrorCatalog {
    @Override
    public String module() {
        return "carrara-python";
    }

    @Override
    public int rangeStart() {
        return 0x0006_0000;
    }

    @Override
    public List<ErrorCode> codes() {
        return ErrorCatalog.codesOf(PythonErrorCode.values());
    }
}
