package dev.cube.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.CubeEvent;
import dev.cube.events.TaskEvent;
import dev.cube.events.topics.Topics;
import dev.cube.manager.read.TaskReads;
import io.micronaut.context.ApplicationContext;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import dev.cube.manager.read.ProjectionUnavailableException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * Scenario 4: the read path. {@code GET /api/v1/tasks/{id}} of random known tasks over loopback,
 * at a fixed concurrency of virtual threads, bounded in count and time. Baselines, same run,
 * same client and concurrency: {@code GET /api/v1/workers/{unknown}} (a 404 from a map lookup,
 * the same HTTP stack doing almost nothing), and a direct in-process read of the task-state store.
 */
final class ReadBench {

    private ReadBench() {
    }

    record Load(Stats latencyMs, double perSecond, int errors) {
    }

    static Result run(BenchOptions options) {
        int tasks = options.readTasks();
        int reads = options.reads();
        int concurrency = options.readConcurrency();
        Result result = new Result("reads",
                reads + " GET /api/v1/tasks/{id} of random ids among " + tasks + " tasks, " + concurrency + " virtual threads, loopback, at most "
                        + options.readSeconds() + " s; baselines: the same client on GET /api/v1/workers/{unknown} (404, map lookup), "
                        + "and a direct in-process read of the task-state store");
        ObjectNode d = result.details;
        String prefix = "r" + Long.toString(System.nanoTime(), 36) + "-";
        try (Stack stack = Stack.start(options.workDir(), "reads", options.managerOverrides())) {
            ApplicationContext manager = stack.startManager(Map.of());
            Stack.awaitRunning(manager, 120_000);
            URI base = Stack.uri(manager);
            TaskReads projection = Stack.reads(manager);
            Instant now = Instant.now();
            try (KafkaProducer<String, CubeEvent> producer = Producers.bulk(stack.bootstrap(), "cube-bench-seed")) {
                for (int i = 0; i < tasks; i++) {
                    String id = prefix + i;
                    producer.send(new ProducerRecord<>(Topics.TASK_EVENTS.name(), id,
                            CubeEvent.of("/cube/bench", id, now, new TaskEvent.Submitted(ProjectionBench.spec(i)))));
                }
                producer.flush();
            }
            long deadline = System.nanoTime() + options.timeout().toNanos();
            for (int i = 0; i < tasks; i++) {
                while (!visible(projection, prefix + i)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("task " + prefix + i + " never became visible");
                    }
                    Sleep.ms(10);
                }
            }
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            Duration limit = Duration.ofSeconds(options.readSeconds());
            IntPredicate getTask = i -> get(http, base.resolve("/api/v1/tasks/" + prefix + i)) == 200;
            IntPredicate trivial = i -> get(http, base.resolve("/api/v1/workers/no-such-worker-" + (i % 16))) == 404;
            IntPredicate store = i -> projection.task(prefix + i).isPresent();
            load(getTask, tasks, Math.min(reads, 500), concurrency, limit); // warm-up
            load(trivial, tasks, Math.min(reads, 500), concurrency, limit);
            Load api = load(getTask, tasks, reads, concurrency, limit);
            Load base404 = load(trivial, tasks, reads, concurrency, limit);
            Load direct = load(store, tasks, reads, concurrency, limit);
            d.put("tasks", tasks);
            d.put("concurrency", concurrency);
            d.set("getTaskMs", api.latencyMs().json());
            d.put("getTaskPerSecond", Stats.round(api.perSecond()));
            d.put("getTaskErrors", api.errors());
            d.set("trivialEndpointMs", base404.latencyMs().json());
            d.put("trivialEndpointPerSecond", Stats.round(base404.perSecond()));
            d.set("directStoreReadMs", direct.latencyMs().json());
            d.put("directStoreReadPerSecond", Stats.round(direct.perSecond()));
            if (api.errors() > 0) {
                throw new IllegalStateException(api.errors() + " reads of known tasks did not answer 200");
            }
            result.row("GET task p50", "ms", api.latencyMs().p50(), "GET trivial endpoint p50", base404.latencyMs().p50(), null);
            result.row("GET task p99", "ms", api.latencyMs().p99(), "GET trivial endpoint p99", base404.latencyMs().p99(), null);
            result.row("GET task throughput (" + concurrency + " threads)", "req/s", api.perSecond(), "GET trivial endpoint", base404.perSecond(), null);
            result.row("GET task throughput vs store", "req/s", api.perSecond(), "direct store read", direct.perSecond(), null);
        }
        return result;
    }

    private static boolean visible(TaskReads projection, String id) {
        try {
            return projection.task(id).isPresent();
        } catch (ProjectionUnavailableException e) {
            return false;
        }
    }

    static int get(HttpClient http, URI uri) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Runs {@code count} calls of {@code call} (each with a random task index) on {@code concurrency} virtual threads, for at most {@code limit}. */
    static Load load(IntPredicate call, int tasks, int count, int concurrency, Duration limit) {
        AtomicInteger issued = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>(count));
        long deadline = System.nanoTime() + limit.toNanos();
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            threads.add(Thread.ofVirtual().name("cube-bench-reader-" + c).start(() -> {
                List<Double> mine = new ArrayList<>();
                while (issued.getAndIncrement() < count && System.nanoTime() < deadline) {
                    int i = ThreadLocalRandom.current().nextInt(tasks);
                    long s = System.nanoTime();
                    boolean ok;
                    try {
                        ok = call.test(i);
                    } catch (RuntimeException e) {
                        ok = false;
                    }
                    mine.add((System.nanoTime() - s) / 1e6);
                    if (!ok) {
                        errors.incrementAndGet();
                    }
                }
                latencies.addAll(mine);
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Load(Stats.of(latencies), latencies.size() / seconds, errors.get());
    }
}
