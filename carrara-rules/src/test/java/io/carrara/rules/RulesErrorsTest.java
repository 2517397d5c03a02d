package io.carrara.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.spi.error.ErrorCatalog;
import io.carrara.spi.error.ErrorCode;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class RulesErrorsTest {
    @Test
    void theCatalogIsFoundAndItsCodesLieInItsOwnRange() {
        ErrorCatalog catalog = ServiceLoader.load(ErrorCatalog.class).stream().map(ServiceLoader.Provider::get)
                .filter(c -> c.module().equals("carrara-rules")).findFirst().orElseThrow();
        assertThat(catalog.rangeStart()).isEqualTo(0x0007_0000);
        assertThat(catalog.codes()).isNotEmpty().allSatisfy(code -> assertThat(code.code())
                .isBetween(catalog.rangeStart() + 1, catalog.rangeStart() + ErrorCatalog.RANGE_SIZE - 1));
        assertThat(catalog.codes()).extracting(ErrorCode::code).doesNotHaveDuplicates();
    }

    @Test
    void noOtherModuleOnTheClassPathUsesTheRange() {
        ServiceLoader.load(ErrorCatalog.class).stream().map(ServiceLoader.Provider::get)
                .filter(c -> !c.module().equals("carrara-rules"))
                .forEach(other -> assertThat(other.rangeStart()).as(other.module()).isNotEqualTo(0x0007_0000));
    }
}
