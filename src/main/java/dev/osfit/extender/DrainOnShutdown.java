package dev.osfit.extender;

import dev.osfit.config.OsfitProperties;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The first thing stopped on shutdown (SIGTERM): by then Spring Boot has set readiness to
 * REFUSING_TRAFFIC, so /actuator/health/readiness answers 503 while osfit keeps serving for
 * {@code osfit.drain-delay}. Only then does the web server's graceful shutdown (a lower phase) stop
 * taking connections and wait for requests in flight ({@code server.shutdown: graceful}).
 */
@Component
class DrainOnShutdown implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DrainOnShutdown.class);

    private final Duration delay;
    private volatile boolean running;

    DrainOnShutdown(OsfitProperties properties) {
        this.delay = properties.drainDelay();
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (delay.isZero() || delay.isNegative()) {
            return;
        }
        log.info("shutting down: readiness is DOWN, still serving for {} (osfit.drain-delay)", delay);
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Above the web server's graceful-shutdown phase: stopped (and waited for) before it.
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
