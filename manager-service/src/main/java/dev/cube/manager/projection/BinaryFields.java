package dev.cube.manager.projection;

import org.apache.kafka.common.errors.SerializationException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/** The writes and reads of the projection's binary store and topic formats ({@link FoldedTaskSerde}, {@link ControlSerdes}). */
final class BinaryFields {

    private BinaryFields() {
    }

    /** A growable byte array: varints, strings as a length (varint, 0 for null, else length + 1) and UTF-8, instants as seconds and nanos. */
    static final class Out {
        private byte[] buf;
        private int size;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        void writeByte(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        void writeVarLong(long value) {
            ensure(10);
            long v = value;
            while ((v & ~0x7FL) != 0) {
                buf[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[size++] = (byte) v;
        }

        void writeBytes(byte[] bytes) {
            if (bytes == null) {
                writeVarLong(0);
                return;
            }
            writeVarLong(bytes.length + 1L);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
        }

        void writeString(String s) {
            writeBytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
        }

        void writeNullableInt(Integer i) {
            writeByte(i == null ? 0 : 1);
            if (i != null) {
                writeVarLong(i & 0xFFFFFFFFL);
            }
        }

        void writeInstant(Instant t) {
            writeByte(t == null ? 0 : 1);
            if (t != null) {
                ensure(12);
                long seconds = t.getEpochSecond();
                for (int i = 7; i >= 0; i--) {
                    buf[size++] = (byte) (seconds >>> (8 * i));
                }
                writeVarLong(t.getNano());
            }
        }

        void writeDouble(double d) {
            long bits = Double.doubleToRawLongBits(d);
            ensure(8);
            for (int i = 7; i >= 0; i--) {
                buf[size++] = (byte) (bits >>> (8 * i));
            }
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, size);
        }
    }

    static final class In {
        private final byte[] buf;
        private final String what;
        private int pos;

        /** @param what what the bytes are, for errors */
        In(byte[] buf, String what) {
            this.buf = buf;
            this.what = what;
        }

        int readByte() {
            if (pos >= buf.length) {
                throw new SerializationException(what + " cut short at byte " + pos);
            }
            return buf[pos++];
        }

        long readVarLong() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = readByte();
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new SerializationException(what + ": a number longer than 64 bits at byte " + pos);
        }

        byte[] readBytes() {
            int length = readLength("a field");
            if (length < 0) {
                return null;
            }
            byte[] out = Arrays.copyOfRange(buf, pos, pos + length);
            pos += length;
            return out;
        }

        String readString() {
            int length = readLength("a string");
            if (length < 0) {
                return null;
            }
            String s = new String(buf, pos, length, StandardCharsets.UTF_8);
            pos += length;
            return s;
        }

        /** The length that prefixes a field: -1 for null; refused when it runs past the end. */
        private int readLength(String field) {
            long n = readVarLong();
            if (n == 0) {
                return -1;
            }
            long length = n - 1;
            if (length < 0 || pos + length > buf.length) {
                throw new SerializationException(what + ": " + field + " of " + length + " bytes runs past the end at byte " + pos);
            }
            return (int) length;
        }

        Integer readNullableInt() {
            return readByte() == 0 ? null : (int) readVarLong();
        }

        double readDouble() {
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits = (bits << 8) | (readByte() & 0xFF);
            }
            return Double.longBitsToDouble(bits);
        }

        Instant readInstant() {
            if (readByte() == 0) {
                return null;
            }
            long seconds = 0;
            for (int i = 0; i < 8; i++) {
                seconds = (seconds << 8) | (readByte() & 0xFF);
            }
            return Instant.ofEpochSecond(seconds, readVarLong());
        }
    }
}
