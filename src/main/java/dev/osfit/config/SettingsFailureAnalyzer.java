package dev.osfit.config;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.convert.ConversionFailedException;

/**
 * Startup failures over {@code osfit.*} settings, said plainly: an unknown key with the nearest known one
 * ({@link OsfitProperties} binds with {@code ignoreUnknownFields = false}; Spring Boot leaves environment
 * variables out of that check, so Kubernetes' service variables such as {@code OSFIT_PORT} do no harm),
 * and a value that is not one of an enum's with the accepted values as README writes them.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class SettingsFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

    static final String ACTION = "Correct or remove the setting; README.md, \"Configuration\", lists every osfit.* setting with its default.";

    @Override
    protected FailureAnalysis analyze(Throwable root, BindException failure) {
        if (!failure.getName().toString().startsWith("osfit")) {
            return null;
        }
        for (Throwable t = failure.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnboundConfigurationPropertiesException unbound) {
                List<String> lines = new ArrayList<>();
                for (ConfigurationProperty p : unbound.getUnboundProperties()) {
                    String key = p.getName().toString();
                    String nearest = nearest(key, knownKeys());
                    lines.add(key + (p.getOrigin() != null ? " (" + p.getOrigin() + ")" : "") + " is not a setting osfit knows"
                            + (nearest != null ? "; did you mean " + nearest + "?" : ""));
                }
                return new FailureAnalysis(String.join("\n", lines), ACTION, failure);
            }
            if (t instanceof ConversionFailedException conversion && conversion.getTargetType().getType().isEnum()) {
                List<String> accepted = Arrays.stream(conversion.getTargetType().getType().getEnumConstants())
                        .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
                String value = String.valueOf(conversion.getValue());
                String nearest = nearest(value.toLowerCase(Locale.ROOT), new TreeSet<>(accepted));
                return new FailureAnalysis(failure.getName() + ": '" + value + "' is not one of " + String.join(", ", accepted)
                        + (nearest != null ? " (did you mean " + nearest + "?)" : ""), ACTION, failure);
            }
        }
        return null;
    }

    /** Every osfit.* key, from {@link OsfitProperties}' record components (kebab-case, as README writes them). */
    static TreeSet<String> knownKeys() {
        TreeSet<String> keys = new TreeSet<>();
        collect("osfit", OsfitProperties.class, keys);
        return keys;
    }

    private static void collect(String prefix, Class<?> record, TreeSet<String> keys) {
        for (RecordComponent c : record.getRecordComponents()) {
            String key = prefix + "." + kebab(c.getName());
            if (c.getType().isRecord()) {
                collect(key, c.getType(), keys);
            } else {
                keys.add(key);
                Type generic = c.getGenericType();
                if (generic instanceof ParameterizedType pt && java.util.Map.class.isAssignableFrom(c.getType())) {
                    keys.add(key + ".*"); // a map's own keys are free
                }
            }
        }
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** The candidate closest to {@code key} by edit distance, when it is close enough to be a typo of it. */
    static String nearest(String key, TreeSet<String> candidates) {
        String stripped = key.replaceAll("\\[\\d+]$", "");
        if (candidates.contains(stripped)) {
            return null;
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(stripped, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best != null && bestDistance <= Math.max(3, stripped.length() / 4) ? best : null;
    }

    /** Levenshtein distance; keys are short, so the quadratic table is fine. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    static String describe(TreeSet<String> keys) {
        return keys.stream().collect(Collectors.joining(", "));
    }
}
