package io.carrara.python;

import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Checks that the Debian packages a model's packages.txt lists are installed; the image brings them, never the server. */
final class SystemPackages {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9+.\\-]{1,100}(:[a-z0-9]+)?");

    private SystemPackages() {}

    static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
    }

    /** Throws {@link PythonErrorCode#SYSTEM_PACKAGES_MISSING} naming every package that dpkg does not report installed. */
    static void requireInstalled(List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            StringBuilder status = new StringBuilder();
            ChildProcesses.Result result;
            try {
                result = ChildProcesses.run(ChildProcesses.builder(List.of("dpkg-query", "-W", "-f=${Status}", name), null),
                        Duration.ofSeconds(30), status::append);
            } catch (IOException e) {
                throw new CarraraException(PythonErrorCode.SYSTEM_PACKAGES_MISSING,
                        "packages.txt lists Debian packages (" + String.join(", ", names) + "), but dpkg-query cannot run on this host ("
                                + e.getMessage() + "); run the model on a Debian-based host or image that has them installed",
                        ModelHome.PACKAGES, e);
            }
            if (result.exitStatus() != 0 || !status.toString().strip().endsWith("install ok installed")) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new CarraraException(PythonErrorCode.SYSTEM_PACKAGES_MISSING,
                    "packages.txt: the Debian package" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                            + (missing.size() == 1 ? " is" : " are") + " not installed on this host; the server never installs"
                            + " system packages: add them to the server's image (apt-get install " + String.join(" ", missing)
                            + ") or run the model in its own image, built from its rendered Dockerfile",
                    ModelHome.PACKAGES);
        }
    }
}
