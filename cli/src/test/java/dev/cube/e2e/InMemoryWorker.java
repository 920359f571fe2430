package dev.cube.e2e;

import dev.cube.events.WorkerEvent;
import dev.cube.worker.Worker;
import dev.cube.worker.WorkerSettings;
import dev.cube.worker.runtime.InMemoryContainerRuntime;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * TEST ONLY: a worker process with Cube's own {@link Worker} (its Kafka adapter, desired set, supervisor,
 * heartbeats and reports, exactly as a real one) over an {@link InMemoryContainerRuntime}, whose
 * containers exit with code 0 after {@code cube.test.container-lifetime} (default 300 ms): for tests that
 * run thousands of tasks through the control loop where the real engine would cost more than the machine
 * has. The real engine is tested elsewhere ({@code ControlLoopIT}). Settings are {@code -D} properties:
 * {@code cube.kafka.bootstrap}, {@code cube.worker.id}, {@code cube.worker.cpu}, {@code cube.worker.memory},
 * {@code cube.worker.heartbeat-interval}. Stops on SIGTERM (saying it left); SIGKILL is a crash.
 */
public final class InMemoryWorker {

    private InMemoryWorker() {
    }

    public static void main(String[] args) throws InterruptedException {
        Duration lifetime = Duration.parse("PT" + System.getProperty("cube.test.container-lifetime", "0.3S"));
        WorkerSettings settings = new WorkerSettings(
                System.getProperty("cube.worker.id"),
                System.getProperty("cube.kafka.bootstrap"),
                "127.0.0.1",
                new WorkerEvent.Capacity(Double.parseDouble(System.getProperty("cube.worker.cpu", "4")),
                        Long.parseLong(System.getProperty("cube.worker.memory", "4096")), 100_000),
                Duration.parse("PT" + System.getProperty("cube.worker.heartbeat-interval", "1S")),
                Duration.ofMillis(200), Duration.ofSeconds(1), null, null, 8);
        InMemoryContainerRuntime runtime = new InMemoryContainerRuntime(Clock.systemUTC(), spec -> Optional.of(lifetime));
        Worker worker = new Worker(settings, runtime, containers -> new WorkerEvent.Stats(0, 0, 0, 0, containers), Clock.systemUTC());
        worker.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            stopped.countDown();
        }, "in-memory-worker-shutdown"));
        System.out.println("READY " + settings.workerId());
        stopped.await();
    }
}
