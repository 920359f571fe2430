package dev.cube.worker.supervisor;

import com.sun.net.httpserver.HttpServer;
import dev.cube.events.TaskEvent.PublishedPort;
import dev.cube.worker.runtime.ContainerHealthCheck;
import dev.cube.worker.runtime.ContainerInfo;
import dev.cube.worker.runtime.ContainerStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The probes against an HTTP server in this JVM standing in for a container's published port. */
class HealthProbesTest {

    static final Duration INTERVAL = Duration.ofSeconds(1);
    /** How long a probe waits for an answer: long, since no test here is about the timeout and a busy machine answers late. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    static final long SECOND = 1_000_000_000L;

    HttpServer server;
    final AtomicInteger requests = new AtomicInteger();
    volatile int status = 200;
    HealthProbes probes;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        probes = new HealthProbes(ANSWER_TIMEOUT);
    }

    @AfterEach
    void stop() {
        probes.close();
        server.stop(0);
    }

    static ContainerInfo container(String path, Integer containerPort, Integer hostPort) {
        List<PublishedPort> ports = hostPort == null ? List.of() : List.of(new PublishedPort(8080, hostPort, "0.0.0.0"));
        return new ContainerInfo("c1", "t1", 2, ContainerStatus.RUNNING, null, false, ports,
                new ContainerHealthCheck(path, containerPort, INTERVAL), false);
    }

    ContainerInfo served(String path) {
        return container(path, 8080, server.getAddress().getPort());
    }

    List<HealthProbes.Failure> failuresAfterOneProbe(ContainerInfo container) {
        probes.probeDue(List.of(container), 0);
        probes.probeDue(List.of(container), SECOND);
        List<HealthProbes.Failure> failures = new ArrayList<>();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            failures.addAll(probes.failures());
            return !failures.isEmpty() || requests.get() > 0;
        });
        await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> true);
        failures.addAll(probes.failures());
        return failures;
    }

    @Test
    void shouldWaitOneIntervalBeforeTheFirstProbe() {
        probes.probeDue(List.of(served("/health")), 0);
        probes.probeDue(List.of(served("/health")), SECOND - 1);

        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        assertThat(requests).hasValue(0);
    }

    @Test
    void shouldFindNothingWrongWhenTheAnswerIs200() {
        assertThat(failuresAfterOneProbe(served("/health"))).isEmpty();
        assertThat(requests).hasValue(1);
    }

    @Test
    void shouldProbeAgainEveryInterval() {
        ContainerInfo web = served("/health");
        probes.probeDue(List.of(web), 0);
        probes.probeDue(List.of(web), SECOND);
        await().atMost(Duration.ofSeconds(5)).until(() -> requests.get() == 1);

        probes.probeDue(List.of(web), SECOND + SECOND / 2);
        assertThat(requests).hasValue(1);

        await().atMost(Duration.ofSeconds(5)).until(() -> {
            probes.probeDue(List.of(web), 2 * SECOND);
            return requests.get() == 2;
        });
    }

    @Test
    void shouldFailAnAnswerOtherThan200NamingTheUrlAndTheStatus() {
        status = 500;
        int port = server.getAddress().getPort();

        assertThat(failuresAfterOneProbe(served("/health"))).containsExactly(new HealthProbes.Failure("c1", "t1", 2,
                "health check failed: GET http://127.0.0.1:" + port + "/health answered 500"));
    }

    @Test
    void shouldProbeTheConfiguredHost() {
        probes.close();
        probes = new HealthProbes(ANSWER_TIMEOUT, "localhost");
        status = 503;
        int port = server.getAddress().getPort();

        assertThat(failuresAfterOneProbe(served("/health"))).extracting(HealthProbes.Failure::reason)
                .containsExactly("health check failed: GET http://localhost:" + port + "/health answered 503");
        assertThat(requests).hasValue(1);
    }

    @Test
    void shouldPutAnIpv6ProbeHostInBrackets() {
        probes.close();
        probes = new HealthProbes(ANSWER_TIMEOUT, "::1");
        int port = server.getAddress().getPort();

        assertThat(failuresAfterOneProbe(served("/health"))).extracting(HealthProbes.Failure::reason)
                .allSatisfy(reason -> assertThat(reason).startsWith("health check failed: GET http://[::1]:" + port + "/health"));
    }

    @Test
    void shouldFailWhenNothingListens() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }

        assertThat(failuresAfterOneProbe(container("/health", 8080, closed))).singleElement()
                .extracting(HealthProbes.Failure::reason)
                .isEqualTo("health check failed: GET http://127.0.0.1:" + closed + "/health: connection refused");
    }

    @Test
    void shouldFailWhenNoHostPortIsPublishedForThePort() {
        assertThat(failuresAfterOneProbe(container("/health", 9090, server.getAddress().getPort())))
                .extracting(HealthProbes.Failure::reason)
                .containsExactly("health check failed: no host port is published for container port 9090");
    }

    @Test
    void shouldFailWhenTheTaskPublishesNoPort() {
        assertThat(failuresAfterOneProbe(container("/health", null, null)))
                .extracting(HealthProbes.Failure::reason)
                .containsExactly("health check failed: the task publishes no port to GET /health on");
    }

    @Test
    void shouldStartAgainWithAGraceForAContainerItForgot() {
        ContainerInfo web = served("/health");
        probes.probeDue(List.of(web), 0);
        probes.probeDue(List.of(), SECOND / 2);

        probes.probeDue(List.of(web), SECOND);

        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        assertThat(requests).hasValue(0);
    }
}
