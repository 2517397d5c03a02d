package io.carrara.spi.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class OutboundAddressPolicyTest {
    private static final OutboundAddressPolicy POLICY = OutboundAddressPolicy.PUBLIC_ONLY;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://127.0.0.1:8080/alert | loopback",
            "http://localhost/alert | loopback",
            "http://127.8.9.10/ | loopback",
            "http://[::1]:9000/ | loopback",
            "http://169.254.169.254/latest/meta-data/ | link-local",
            "http://[fe80::1]/ | link-local",
            "https://10.1.2.3/ | private",
            "https://172.16.0.1/ | private",
            "https://172.31.255.255/ | private",
            "https://192.168.1.20/hook | private",
            "https://[fd12:3456::1]/ | private (unique local)",
            "http://100.64.0.1/ | shared",
            "http://0.0.0.0/ | unspecified",
            "http://[::]/ | unspecified",
            "http://224.0.0.1/ | multicast",
            "http://[::ffff:127.0.0.1]/ | loopback",
            "http://[::ffff:10.0.0.1]/ | private",
            "http://2130706433/ | loopback",
    })
    void internalAddressesAreRefusedNamingTheFieldAndTheSetting(String url, String kind) {
        assertThatThrownBy(() -> POLICY.check(URI.create(url), "alert.webhook"))
                .isInstanceOfSatisfying(CarraraException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(StandardErrorCode.ADDRESS_NOT_ALLOWED.toErrorCode());
                    assertThat(e.field()).contains("alert.webhook");
                    assertThat(e.getMessage()).contains(kind).contains("outbound.allowedHosts");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://8.8.8.8/hook", "http://1.1.1.1:8080/x", "https://[2001:4860:4860::8888]/hook",
            "https://172.32.0.1/", "https://100.128.0.1/"})
    void publicAddressesPass(String url) {
        assertThatCode(() -> POLICY.check(URI.create(url), "alert.webhook")).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://8.8.8.8/x", "file:///etc/passwd", "gopher://8.8.8.8/", "https://user:secret@8.8.8.8/hook",
            "https:///nohost", "http://no-such-host.invalid/hook"})
    void otherSchemesPasswordsMissingAndUnknownHostsAreRefused(String url) {
        assertThatThrownBy(() -> POLICY.check(URI.create(url), "alert.webhook"))
                .isInstanceOfSatisfying(CarraraException.class, e ->
                        assertThat(e.errorCode()).isEqualTo(StandardErrorCode.ADDRESS_NOT_ALLOWED.toErrorCode()))
                .hasMessageNotContaining("secret");
    }

    @Test
    void allowedHostsAndTheSwitchLetInternalAddressesThrough() {
        OutboundAddressPolicy allowed = OutboundAddressPolicy.of(false, List.of("127.0.0.1:8080", "LOCALHOST", "[::1]:9000"));
        assertThatCode(() -> allowed.check(URI.create("http://127.0.0.1:8080/alert"), "f")).doesNotThrowAnyException();
        assertThatCode(() -> allowed.check(URI.create("http://localhost:1234/alert"), "f")).doesNotThrowAnyException();
        assertThatCode(() -> allowed.check(URI.create("http://[::1]:9000/"), "f")).doesNotThrowAnyException();
        assertThatThrownBy(() -> allowed.check(URI.create("http://127.0.0.1:8081/alert"), "f"))
                .isInstanceOf(CarraraException.class);

        OutboundAddressPolicy open = OutboundAddressPolicy.of(true, List.of());
        assertThatCode(() -> open.check(URI.create("http://10.0.0.1/"), "f")).doesNotThrowAnyException();
        assertThatThrownBy(() -> open.check(URI.create("file:///etc/passwd"), "f")).isInstanceOf(CarraraException.class);
    }

    @Test
    void allowedHostEntriesAreHostsOrHostAndPort() {
        assertThatThrownBy(() -> OutboundAddressPolicy.of(false, List.of("http://x/y")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OutboundAddressPolicy.of(false, List.of(" ")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
