package io.carrara.spark;

import io.carrara.spi.error.ErrorCode;
import io.carrara.spi.error.ErrorCodeSupplier;
import io.carrara.spi.error.ErrorType;

/** Errors of the Spark jobs (batch predictions, table import and export); range 0x0004_0000. */
public enum SparkErrorCode implements ErrorCodeSupplier {
    /** The SQL query does not parse, or names a table or column the catalog does not have. */
    QUERY_INVALID(0x0004_0001, ErrorType.INVALID_INPUT),
    /** The query's columns do not fit the model: one it needs is missing, or one clashes with a column the job adds. */
    QUERY_COLUMNS(0x0004_0002, ErrorType.INVALID_INPUT),
    /** A table the request names does not exist. */
    TABLE_NOT_FOUND(0x0004_0003, ErrorType.NOT_FOUND),
    /** The output table exists with columns or partitioning other than the job writes. */
    TABLE_INCOMPATIBLE(0x0004_0004, ErrorType.CONFLICT),
    /** A file to import is missing or cannot be parsed with the requested format and schema. */
    FILE_UNREADABLE(0x0004_0005, ErrorType.INVALID_INPUT),
    /** User SQL goes beyond what Carrara accepts (a statement, a refused function, a file read as a table); see docs/batch.md#accepted-sql. */
    SQL_REFUSED(0x0004_0006, ErrorType.INVALID_INPUT);

    private final ErrorCode errorCode;

    SparkErrorCode(int code, ErrorType type) {
        this.errorCode = new ErrorCode(code, name(), type);
    }

    @Override
    public ErrorCode toErrorCode() {
        return errorCode;
    }
}
