package io.carrara.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.registry.search.SearchErrorCode;
import io.carrara.spi.error.ErrorCode;
import io.carrara.spi.error.ErrorType;
import org.junit.jupiter.api.Test;

class RegistryErrorCodeTest {
    @Test
    void searchSyntaxIsTheSearchLanguagesCodeWithItsFirstNumber() {
        ErrorCode searchSyntax = new ErrorCode(0x0001_0001, "SEARCH_SYNTAX", ErrorType.INVALID_INPUT);
        assertThat(SearchErrorCode.SEARCH_SYNTAX.toErrorCode()).isEqualTo(searchSyntax);
        assertThat(RegistryErrorCode.SEARCH_SYNTAX.toErrorCode()).isEqualTo(searchSyntax)
                .isSameAs(SearchErrorCode.SEARCH_SYNTAX.toErrorCode());
        assertThat(new RegistryErrors().codes()).containsOnlyOnce(searchSyntax);
    }
}
