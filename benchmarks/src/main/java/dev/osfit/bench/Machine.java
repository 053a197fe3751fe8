package dev.osfit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the results were measured on. */
final class Machine {

    private Machine() {
    }

    static String cpu() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    static String cpuSlug() {
        return cpu().toLowerCase(Locale.ROOT).replaceAll("\\(r\\)|\\(tm\\)|cpu|@.*", "").trim().replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-|-$)", "") + "-" + Runtime.getRuntime().availableProcessors() + "c";
    }

    static String describe() {
        return cpu() + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version");
    }
}
