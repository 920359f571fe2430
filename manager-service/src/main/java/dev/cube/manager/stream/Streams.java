package dev.cube.manager.stream;

import dev.cube.manager.ManagerApplication;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The manager's streamed answers (followed logs, the live event stream): each reads its
 * {@link StreamSource} on a thread of its own, never on the HTTP event loop, and emits only what the
 * client asks for (Reactive Streams demand), so a slow client holds the source rather than memory. At
 * most {@code cube.manager.max-streams} (64) run at once; one more is refused before it starts, with
 * {@link TooManyStreamsException}. A client that goes away ends its stream at the next item or wake-up.
 */
@Singleton
@Requires(property = ManagerApplication.ENABLED, value = "true")
public final class Streams {

    private static final Logger LOG = LoggerFactory.getLogger(Streams.class);
    private static final long IDLE_PARK_NANOS = Duration.ofMillis(50).toNanos();

    private final int max;
    private final Semaphore slots;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon().name("cube-manager-stream").unstarted(r));

    public Streams(@Value("${cube.manager.max-streams:64}") int max) {
        this.max = Math.max(1, max);
        this.slots = new Semaphore(this.max);
    }

    /** A stream is refused: as many as the manager allows run already. */
    public static final class TooManyStreamsException extends RuntimeException {
        public TooManyStreamsException(int max) {
            super("the manager streams " + max + " answers already (cube.manager.max-streams)");
        }
    }

    /** Opens a stream: {@code open} runs now (a failure is thrown here, before any answer), its items flow once subscribed. */
    public <T> Flux<T> open(java.util.function.Supplier<StreamSource<T>> open) {
        if (!slots.tryAcquire()) {
            throw new TooManyStreamsException(max);
        }
        StreamSource<T> source;
        try {
            source = open.get();
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                slots.release();
            }
        };
        return Flux.<T>create(sink -> {
            AtomicBoolean gone = new AtomicBoolean();
            sink.onDispose(() -> {
                gone.set(true);
                source.wakeup();
            });
            try {
                threads.execute(() -> pump(source, sink, gone, release));
            } catch (RejectedExecutionException closing) {
                source.close();
                release.run();
                sink.error(closing);
            }
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    private static <T> void pump(StreamSource<T> source, FluxSink<T> sink, AtomicBoolean gone, Runnable release) {
        try (source) {
            while (!gone.get()) {
                List<T> items = source.next();
                if (items == null) {
                    sink.complete();
                    return;
                }
                for (T item : items) {
                    while (sink.requestedFromDownstream() == 0 && !gone.get()) {
                        LockSupport.parkNanos(IDLE_PARK_NANOS);
                        if (Thread.currentThread().isInterrupted()) {
                            return;
                        }
                    }
                    if (gone.get()) {
                        return;
                    }
                    sink.next(item);
                }
            }
        } catch (Exception e) {
            if (!gone.get()) {
                LOG.warn("A stream failed: {}", e.toString());
                sink.error(e);
            }
        } finally {
            release.run();
        }
    }

    @PreDestroy
    void close() {
        threads.shutdownNow();
    }
}
