package io.carrara.python;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.spi.error.ErrorCatalog;
import io.carrara.spi.error.ErrorCode;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class PythonErrorsTest {
    @Test
    void theCatalogIsFoundAndKeepsToItsRange() {
        ErrorCatalog catalog = ServiceLoader.load(ErrorCatalog.class).stream().map(ServiceLoader.Provider::get)
                .filter(found -> found.module().equals("carrara-python")).findFirst().orElseThrow();

        assertThat(catalog.rangeStart()).isEqualTo(0x0006_0000);
        assertThat(catalog.codes()).hasSize(PythonErrorCode.values().length)
                .allSatisfy(code -> assertThat(code.code()).isBetween(0x0006_0001, 0x0006_FFFF))
                .extracting(ErrorCode::code).doesNotHaveDuplicates();
    }
}
