package dev.osfit.cluster;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * client-java's informer threads block in a queue and can only be woken by an interrupt, so every
 * stop makes its {@code Controller} and {@code ProcessorListener} log an ERROR with an
 * InterruptedException stack trace. Those loops are interrupted only when informers stop, so this
 * drops exactly those events: a clean stop logs no ERROR, and every other error of theirs still shows.
 */
final class QuietInformerStop extends TurboFilter {

    private static final String CONTROLLER = "io.kubernetes.client.informer.cache.Controller";
    private static final String PROCESSOR_LISTENER = "io.kubernetes.client.informer.cache.ProcessorListener";

    /** Installs the filter once when logback is the logging backend (Spring Boot's default). */
    static synchronized void install() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context
                && context.getTurboFilterList().stream().noneMatch(QuietInformerStop.class::isInstance)) {
            QuietInformerStop filter = new QuietInformerStop();
            filter.start();
            context.addTurboFilter(filter);
        }
    }

    @Override
    public FilterReply decide(Marker marker, ch.qos.logback.classic.Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        if (level != Level.ERROR || !(CONTROLLER.equals(logger.getName()) || PROCESSOR_LISTENER.equals(logger.getName()))) {
            return FilterReply.NEUTRAL;
        }
        Throwable thrown = t;
        if (thrown == null && params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last) {
            thrown = last;
        }
        return thrown instanceof InterruptedException ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
