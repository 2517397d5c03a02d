package io.carrara.batch;

import io.carrara.spi.error.ErrorCatalog;
import io.carrara.spi.error.ErrorCode;
import java.util.List;

/** The catalog of {@link BatchErrorCode}: numbers 0x0005_0000 to 0x0005_FFFF. */
public final class BatchErrors implements ErrorCatalog {
    @Override
    public String module() {
        return "carrara-batch";
    }

    @Override
    public int rangeStart() {
        return 0x0005_0000;
    }

    @Override
    public List<ErrorCode> codes() {
        return ErrorCatalog.codesOf(BatchErrorCode.values());
    }
}
