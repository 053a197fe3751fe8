package dev.osfit;

import io.netty.channel.ChannelException;
import io.netty.handler.timeout.ReadTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import reactor.core.publisher.Hooks;

@SpringBootApplication
public class OsfitApplication {

    private static final Logger log = LoggerFactory.getLogger(OsfitApplication.class);

    public static void main(String[] args) {
        int status = CommandLine.answer(args, System.out);
        if (status >= 0) {
            System.exit(status);
        }
        // A slow sender's connection times out after osfit has already answered 408; the late signal
        // is expected, not an error worth a stack trace per client.
        Hooks.onErrorDropped(e -> {
            if (e instanceof ReadTimeoutException || e instanceof ChannelException) {
                log.debug("dropped after the answer: {}", e.toString());
            } else {
                log.warn("dropped after the answer", e);
            }
        });
        SpringApplication.run(OsfitApplication.class, args);
    }
}
