package dev.cube.worker.runtime;

/**
 * Receives what a container writes, from {@link ContainerRuntime#followOutput}: its lines in the engine's
 * order, then one call of {@link #ended}. Calls come from one thread at a time (a thread of the
 * runtime's, or the caller of the runtime's method that made the container write or stop), never
 * concurrently; an implementation may block them briefly (the engine keeps what it has not delivered).
 */
public interface OutputListener {

    void line(OutputLine line);

    /**
     * The stream ended: the container stopped, or is gone ({@code error} null), or the engine broke it off
     * or refused it ({@code error} says why: a time-out, no such container, the engine down). Called once,
     * last, unless the follow was closed first.
     */
    void ended(Throwable error);
}
