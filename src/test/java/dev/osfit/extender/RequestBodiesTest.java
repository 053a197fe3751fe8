package dev.osfit.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;

/** How failures become answers, without Spring's context: a 500 says nothing of osfit's internals. */
class RequestBodiesTest {

    @Test
    void anInternalErrorIs500WithoutTheExceptionText() {
        ServerResponse response = RequestBodies.failure("filter",
                new IllegalStateException("secret at dev.osfit.match.Matcher.compute(Matcher.java:99)")).block();
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/filter"));
        response.writeTo(exchange, new ServerResponse.Context() {
            @Override
            public List<HttpMessageWriter<?>> messageWriters() {
                return HandlerStrategies.withDefaults().messageWriters();
            }

            @Override
            public List<ViewResolver> viewResolvers() {
                return List.of();
            }
        }).block();
        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(500);
        String body = exchange.getResponse().getBodyAsString().block();
        assertThat(body).isEqualTo("{\"Error\":\"osfit internal error (details in osfit's log)\"}")
                .doesNotContain("secret").doesNotContain("IllegalStateException");
    }
}
