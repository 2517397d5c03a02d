package io.carrara.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carrara.server.config.ServerSettings;
import io.carrara.serving.engine.ServingEngineConfig.LoadMode;
import io.carrara.spi.error.CarraraException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
    @TempDir
    Path home;

    @Test
    void servingDefaultsKeepModelsUnderTheHomeAndLoadEagerly() {
        ServerConfig config = ServerConfig.embedded(home, 0);

        assertThat(config.serving().loadMode()).isEqualTo(LoadMode.EAGER);
        assertThat(config.serving().logQueueCapacity()).isEqualTo(10_000);
        assertThat(config.serving().logLinger()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.models().directory()).isEqualTo(home.toAbsolutePath().normalize().resolve("models"));
        assertThat(config.models().memoryBudgetBytes()).isEqualTo(2L << 30);
        assertThat(config.accessLog()).isTrue();
    }

    @Test
    void servingSettingsComeFromFlagsAndEnvironment() {
        ServerConfig config = ServerConfig.from(ServerSettings.load(home, Map.of("CARRARA_SERVING_LOADMODE", "LAZY"), Map.of(
                "serving.models.path", home.resolve("cache").toString(), "serving.models.memoryBudgetBytes", "1073741824",
                "serving.models.memoryFactor", "2.5", "serving.models.failureBackoffSeconds", "5",
                "serving.log.queueCapacity", "100", "serving.log.batchSize", "10", "serving.log.lingerMillis", "0",
                "log.access", "false")));

        assertThat(config.serving().loadMode()).isEqualTo(LoadMode.LAZY);
        assertThat(config.serving().logQueueCapacity()).isEqualTo(100);
        assertThat(config.serving().logBatchSize()).isEqualTo(10);
        assertThat(config.serving().logLinger()).isZero();
        assertThat(config.models().directory()).isEqualTo(home.resolve("cache"));
        assertThat(config.models().memoryBudgetBytes()).isEqualTo(1L << 30);
        assertThat(config.models().memoryFactor()).isEqualTo(2.5);
        assertThat(config.models().failureBackoff()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.accessLog()).isFalse();
    }

    @Test
    void outboundCallsReachPublicAddressesUnlessSettingsNameOthers() {
        ServerConfig defaults = ServerConfig.embedded(home, 0);
        assertThat(defaults.outbound().allowsPrivate()).isFalse();
        assertThat(defaults.outbound().allowedHosts()).isEmpty();
        assertThat(defaults.python().batchIdleTimeout()).isEqualTo(Duration.ofMinutes(10));

        ServerConfig configured = ServerConfig.from(ServerSettings.load(home, Map.of(), Map.of(
                "outbound.allowedHosts", "alerts.internal:8443, Hooks.Internal", "python.batchIdleTimeoutSeconds", "30")));
        assertThat(configured.outbound().allowedHosts()).containsExactlyInAnyOrder("alerts.internal:8443", "hooks.internal");
        assertThat(configured.python().batchIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(ServerConfig.from(ServerSettings.load(home, Map.of(), Map.of("outbound.allowPrivateAddresses", "true")))
                .outbound().allowsPrivate()).isTrue();
    }

    @Test
    void badServingSettingsNameTheKeyAndWhatIsAllowed() {
        CarraraException mode = catchThrowableOfType(CarraraException.class,
                () -> ServerConfig.from(ServerSettings.load(home, Map.of(), Map.of("serving.loadMode", "sometimes"))));
        CarraraException factor = catchThrowableOfType(CarraraException.class,
                () -> ServerConfig.from(ServerSettings.load(home, Map.of(), Map.of("serving.models.memoryFactor", "lots"))));

        assertThat(mode.getMessage()).isEqualTo("serving.loadMode must be one of eager, lazy, not 'sometimes'");
        assertThat(mode.field()).contains("serving.loadMode");
        assertThat(factor.getMessage()).isEqualTo("serving.models.memoryFactor must be a number, not 'lots'");
    }
}
