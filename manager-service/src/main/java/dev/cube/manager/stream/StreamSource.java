package dev.cube.manager.stream;

import java.util.List;

/**
 * What a streamed HTTP answer is read from: a blocking source, read on a thread of {@link Streams}'
 * own, one call of {@link #next()} at a time. Closed by that thread when the stream ends.
 */
public interface StreamSource<T> extends AutoCloseable {

    /** The next items, waiting at most about a second for them (none is an answer); null once there are no more. */
    List<T> next() throws Exception;

    /** Makes a {@link #next()} under way return soon; called from any thread. */
    void wakeup();

    @Override
    void close();
}
