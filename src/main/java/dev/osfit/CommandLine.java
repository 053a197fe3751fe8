package dev.osfit;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Properties;

/**
 * The options answered before Spring starts: {@code --version} and {@code --help} (also {@code -h}),
 * printed to standard output with exit status 0 and no server started. Everything else is Spring Boot's
 * ({@code --osfit.nodes.source=cluster}, {@code --server.port=8888}, ...).
 */
final class CommandLine {

    private CommandLine() {
    }

    /** The exit status when the arguments ask for one of these options, else -1 (start the server). */
    static int answer(String[] args, PrintStream out) {
        for (String arg : args) {
            if (arg.equals("--version")) {
                out.println(version());
                return 0;
            }
            if (arg.equals("--help") || arg.equals("-h")) {
                out.print(HELP.replace("{version}", version()));
                return 0;
            }
        }
        return -1;
    }

    /** "osfit 0.1.0 (commit 695da94)", from the build's META-INF/build-info.properties and git.properties. */
    static String version() {
        Properties build = load("META-INF/build-info.properties");
        Properties git = load("git.properties");
        String version = build.getProperty("build.version", "unknown version");
        String commit = git.getProperty("git.commit.id.abbrev");
        return "osfit " + version + (commit == null ? "" : " (commit " + commit + ("true".equals(git.getProperty("git.dirty")) ? ", modified" : "") + ")");
    }

    private static Properties load(String resource) {
        Properties p = new Properties();
        try (InputStream in = CommandLine.class.getClassLoader().getResourceAsStream(resource)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // a build without it: the version says unknown
        }
        return p;
    }

    static final String HELP = """
            {version}: a kube-scheduler extender that keeps pods off nodes whose OS, architecture or
            Windows build cannot run their container images, and ranks the rest.

            Usage: java -jar osfit.jar [--key=value ...]
                   java -jar osfit.jar --version | --help

            Modes (osfit.nodes.source):
              request   standalone: kube-scheduler sends full node objects (scheduler-config/osfit-full-nodes.yaml)
              cluster   a node index fed by the API server; kube-scheduler sends names (osfit-names.yaml)
              auto      cluster when a kubeconfig or in-cluster service account is found (default)

            Main settings (each also an environment variable: OSFIT_NODES_SOURCE, SERVER_PORT, ...):
              --server.port=8888                  the extender's port (/filter, /prioritize, /preempt, /explain)
              --server.address=127.0.0.1          where it listens; 0.0.0.0 in a cluster
              --osfit.nodes.source=auto           request | cluster | auto
              --osfit.nodes.kubeconfig=PATH       a kubeconfig instead of the standard search
              --osfit.unknown-image-policy=allow  allow | deny: pods whose images no source knows
              --osfit.registry.enabled=true       read image platforms from registries
              --osfit.admission.port=0            the placement-hint webhook's HTTPS port (0: off)
              --spring.profiles.active=tls        mutual TLS with the files in osfit.tls.dir

            Every setting, with its default: README.md, "Configuration". An unknown osfit.* setting stops
            osfit at startup with the nearest known one.
            """;
}
