package dev.cube.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A forwarder between a component and what it talks to (a Kafka listener over TCP, the Docker engine
 * over its unix socket), which a fault test turns into a fault: {@link #cut} drops every byte both ways
 * while connections stay open (a partition: the peer hears nothing, nothing is refused), {@link #refuse}
 * closes everything and stops listening (a stopped engine: connections are refused), {@link #delay}
 * holds each request for a while (a slow engine), {@link #heal} forwards again. One thread per
 * direction per connection; for tests only.
 */
final class FaultProxy implements AutoCloseable {

    enum Mode { FORWARD, CUT, REFUSED }

    private final SocketAddress listen;
    private final SocketAddress target;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.FORWARD;
    private volatile Duration delay = Duration.ZERO;
    private volatile ServerSocketChannel server;
    private volatile boolean closed;

    private FaultProxy(SocketAddress listen, SocketAddress target) {
        this.listen = listen;
        this.target = target;
        bind();
    }

    /** Listens on 127.0.0.1:{@code port} and forwards to 127.0.0.1:{@code targetPort}. */
    static FaultProxy tcp(int port, int targetPort) {
        return new FaultProxy(new InetSocketAddress("127.0.0.1", port), new InetSocketAddress("127.0.0.1", targetPort));
    }

    /** Listens on the unix socket {@code socket} and forwards to the unix socket {@code target}. */
    static FaultProxy unix(Path socket, Path target) {
        return new FaultProxy(UnixDomainSocketAddress.of(socket), UnixDomainSocketAddress.of(target));
    }

    /** Every byte either way is dropped from now on, on the connections open and on new ones: nobody hears anything. */
    void cut() {
        mode = Mode.CUT;
    }

    /** Closes every connection and stops listening: whoever connects is refused, as by a stopped engine. */
    void refuse() {
        mode = Mode.REFUSED;
        closeServer();
        open.forEach(FaultProxy::closeQuietly);
    }

    /** Each request (each chunk from the client) waits {@code delay} before it is forwarded. */
    void delay(Duration delay) {
        this.delay = delay;
    }

    /**
     * Forwards again, without delay (listening again after {@link #refuse}). The connections that were cut are
     * closed, as a healed network resets the ones whose bytes were lost: their clients connect again at once.
     */
    void heal() {
        delay = Duration.ZERO;
        if (mode == Mode.REFUSED) {
            mode = Mode.FORWARD;
            bind();
        } else if (mode == Mode.CUT) {
            open.forEach(FaultProxy::closeQuietly);
            open.clear();
        }
        mode = Mode.FORWARD;
    }

    Mode mode() {
        return mode;
    }

    private void bind() {
        try {
            if (listen instanceof UnixDomainSocketAddress unix) {
                Files.deleteIfExists(unix.getPath());
                server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            } else {
                server = ServerSocketChannel.open();
                server.socket().setReuseAddress(true);
            }
            server.bind(listen);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + listen, e);
        }
        ServerSocketChannel listening = server;
        Thread.ofVirtual().name("fault-proxy-accept").start(() -> accept(listening));
    }

    private void accept(ServerSocketChannel listening) {
        while (!closed && listening.isOpen()) {
            SocketChannel client;
            try {
                client = listening.accept();
            } catch (IOException e) {
                return;
            }
            SocketChannel upstream;
            try {
                upstream = target instanceof UnixDomainSocketAddress ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
                upstream.connect(target);
            } catch (IOException e) {
                closeQuietly(client);
                continue;
            }
            open.add(client);
            open.add(upstream);
            Thread.ofVirtual().name("fault-proxy-up").start(() -> pump(client, upstream, true));
            Thread.ofVirtual().name("fault-proxy-down").start(() -> pump(upstream, client, false));
        }
    }

    private void pump(SocketChannel from, SocketChannel to, boolean request) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                Duration wait = delay;
                if (request && !wait.isZero()) {
                    Thread.sleep(wait);
                }
                if (mode == Mode.FORWARD) {
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                }
                buffer.clear();
            }
        } catch (IOException e) {
            // the connection ended
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // A peer's close is passed on, unless the link is cut: then the client hears nothing, not even that.
            if (request || mode != Mode.CUT) {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }
    }

    private void closeServer() {
        ServerSocketChannel listening = server;
        if (listening != null) {
            closeQuietly(listening);
        }
        if (listen instanceof UnixDomainSocketAddress unix) {
            try {
                Files.deleteIfExists(unix.getPath());
            } catch (IOException e) {
                // gone already
            }
        }
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closed already
        }
    }

    @Override
    public void close() {
        closed = true;
        closeServer();
        open.forEach(FaultProxy::closeQuietly);
    }
}
