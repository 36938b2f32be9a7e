package apprentice.core.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/** The chunk layer of the PNG format: signature, length, type, data, CRC-32. */
final class PngChunks {
    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private PngChunks() {
    }

    record Chunk(String type, byte[] data) {
    }

    /** Splits a whole PNG file into chunks, verifying the signature and every CRC. */
    static List<Chunk> parse(byte[] png, String source) throws IOException {
        if (png.length < SIGNATURE.length || !Arrays.equals(Arrays.copyOf(png, SIGNATURE.length), SIGNATURE)) {
            throw new IOException(source + " is not a PNG file (bad signature)");
        }
        ByteBuffer buf = ByteBuffer.wrap(png);
        buf.position(SIGNATURE.length);
        List<Chunk> chunks = new ArrayList<>();
        while (buf.hasRemaining()) {
            if (buf.remaining() < 12) {
                throw new IOException(source + " is truncated (incomplete chunk header at byte " + buf.position() + ")");
            }
            long length = buf.getInt() & 0xffffffffL;
            byte[] typeBytes = new byte[4];
            buf.get(typeBytes);
            String type = new String(typeBytes, StandardCharsets.ISO_8859_1);
            if (length > buf.remaining() - 4) {
                throw new IOException(source + " is truncated (chunk " + type + " claims " + length + " bytes)");
            }
            byte[] data = new byte[(int) length];
            buf.get(data);
            int crc = buf.getInt();
            if (crc != crc(typeBytes, data)) {
                throw new IOException(source + " is corrupt (CRC mismatch in chunk " + type + ")");
            }
            chunks.add(new Chunk(type, data));
            if (type.equals("IEND")) {
                break;
            }
        }
        return chunks;
    }

    static void write(ByteArrayOutputStream out, Chunk chunk) {
        byte[] type = chunk.type().getBytes(StandardCharsets.ISO_8859_1);
        byte[] data = chunk.data();
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(type);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(crc(type, data)).array());
    }

    private static int crc(byte[] type, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(data);
        return (int) crc.getValue();
    }
}
