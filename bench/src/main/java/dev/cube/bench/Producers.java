package dev.cube.bench;

import dev.cube.events.CubeEvent;
import dev.cube.events.topics.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.Map;

/** Producers with Cube's own serde, tuned for bulk loading as an outside client would be. */
final class Producers {

    private Producers() {
    }

    /** A send callback that counts failed sends, so that a load that lost records says so instead of measuring a different log. */
    static final class Failures implements org.apache.kafka.clients.producer.Callback {
        private final java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();
        private volatile Exception first;

        @Override
        public void onCompletion(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception error) {
            if (error != null && count.getAndIncrement() == 0) {
                first = error;
            }
        }

        long count() {
            return count.get();
        }

        void check(String what) {
            if (count.get() > 0) {
                throw new IllegalStateException(what + ": the broker refused " + count.get() + " record(s); first error: " + first, first);
            }
        }
    }

    static KafkaProducer<String, CubeEvent> bulk(String bootstrap, String clientId) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 10,
                ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                Topics.TASK_EVENTS.keySerde().serializer(), Topics.TASK_EVENTS.valueSerde().serializer());
    }

    /** For events a real worker would send: idempotent, acks=all, linger 5 ms (the worker's own settings). */
    static KafkaProducer<String, CubeEvent> workerLike(String bootstrap, String clientId) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                Topics.TASK_EVENTS.keySerde().serializer(), Topics.TASK_EVENTS.valueSerde().serializer());
    }
}
