package io.carrara.server;

import io.carrara.server.config.ServerSettings;
import io.carrara.spi.error.CarraraException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code carrara up} and {@code carrara config show}: the server side of the launcher script. */
@Command(name = "carrara", mixinStandardHelpOptions = true, versionProvider = CarraraServerMain.Version.class,
        description = "Starts the Carrara server or shows its effective configuration.",
        subcommands = {CarraraServerMain.Up.class, CarraraServerMain.Config.class})
public final class CarraraServerMain implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new CarraraServerMain());
        commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> {
            if (error instanceof CarraraException carrara) {
                cmd.getErr().println("error: " + carrara.getMessage()
                        + carrara.field().map(field -> " (setting: " + field + ")").orElse(""));
                return 1;
            }
            throw error;
        });
        return commandLine;
    }

    /** Options shared by the commands that resolve settings. */
    static final class SettingsOptions {
        @Option(names = "--home", paramLabel = "DIR",
                description = "Carrara home: database, blobs and carrara.properties (default: $CARRARA_HOME or ~/.carrara)")
        Path home;

        @Option(names = "--port", paramLabel = "N", description = "HTTP port (default 8080; 0 picks a free port)")
        Integer port;

        @Option(names = "--host", paramLabel = "ADDRESS", description = "address to listen on (default 127.0.0.1)")
        String host;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "any setting, e.g. --set database.url=jdbc:postgresql://db/carrara (see: carrara config show)")
        Map<String, String> settings = new LinkedHashMap<>();

        ServerSettings resolve() {
            Map<String, String> flags = new LinkedHashMap<>(settings);
            if (port != null) {
                flags.put("port", Integer.toString(port));
            }
            if (host != null) {
                flags.put("host", host);
            }
            return ServerSettings.load(home, System.getenv(), flags);
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Starts the server on embedded defaults (H2 database and blob directory under the home) and"
                    + " serves until Ctrl-C.")
    static final class Up implements Callable<Integer> {
        @CommandLine.ArgGroup(exclusive = false)
        SettingsOptions options = new SettingsOptions();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            ServerConfig config = ServerConfig.from(options.resolve());
            PrintWriter out = spec.commandLine().getOut();
            CarraraServer server = CarraraServer.start(config);
            CountDownLatch stopped = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
            Runnable stop = () -> {
                if (stopping.compareAndSet(false, true)) {
                    out.println("Stopping Carrara (finishing in-flight requests)...");
                    out.flush();
                    server.close();
                }
            };
            // Ctrl-C and SIGTERM stop the server before the JVM's shutdown starts: the shutdown hooks run all at once, and
            // H2's (which an AUTO_SERVER database cannot turn off) would close the registry database while the server
            // still marks unfinished runs failed and writes the predictions queued for the log. The hook stays for
            // any other way the JVM ends.
            for (String name : List.of("TERM", "INT")) {
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                        stop.run();
                        System.exit(128 + signal.getNumber());
                    });
                } catch (IllegalArgumentException e) {
                    // Not a signal of this platform, or one the JVM keeps: the shutdown hook stops the server.
                }
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.run();
                stopped.countDown();
            }, "carrara-shutdown"));
            out.println("Carrara " + CarraraServer.versionOf(CarraraServer.class) + " is listening on " + server.uri());
            out.println("  home:     " + config.home());
            out.println("  database: " + config.database().url());
            out.println("  blobs:    " + config.blobs().describe());
            out.println("  API reference: " + server.uri() + "/docs/api   metrics: " + server.uri() + "/metrics");
            out.println("Press Ctrl-C to stop.");
            out.flush();
            stopped.await();
            return 0;
        }
    }

    @Command(name = "config", mixinStandardHelpOptions = true, description = "Shows configuration.",
            subcommands = Config.Show.class)
    static final class Config implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }

        @Command(name = "show", mixinStandardHelpOptions = true,
                description = "Prints every effective setting with where it came from (default, file, environment, flag).")
        static final class Show implements Callable<Integer> {
            @CommandLine.ArgGroup(exclusive = false)
            SettingsOptions options = new SettingsOptions();

            @Spec
            CommandSpec spec;

            @Override
            public Integer call() {
                ServerSettings settings = options.resolve();
                ServerConfig.from(settings);
                PrintWriter out = spec.commandLine().getOut();
                out.println("# home: " + settings.home() + " (file: " + settings.home().resolve(ServerSettings.FILE_NAME) + ")");
                settings.all().forEach((key, setting) -> out.printf("%-28s = %-50s # %s, env %s%n", key,
                        settings.display(key), setting.source(), ServerSettings.environmentName(key)));
                out.flush();
                return 0;
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"carrara " + CarraraServer.versionOf(CarraraServer.class)};
        }
    }
}
