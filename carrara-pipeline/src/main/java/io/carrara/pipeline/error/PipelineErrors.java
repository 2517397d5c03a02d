package io.carrara.pipeline.error;

import io.carrara.spi.error.ErrorCatalog;
import io.carrara.spi.error.ErrorCode;
import java.util.List;

/** The catalog of {@link PipelineErrorCode}: numbers 0x0002_0000 to 0x0002_FFFF. */
public final class PipelineErrors implements ErrorCatalog {
    @Override
    public String module() {
        return "carrara-pipeline";
    }

    @Override
    public int rangeStart() {
        return 0x0002_0000;
    }

    @Override
    public List<ErrorCode> codes() {
        return ErrorCatalog.codesOf(PipelineErrorCode.values());
    }
}
