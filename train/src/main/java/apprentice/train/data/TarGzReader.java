package apprentice.train.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * Reads regular files out of an npm tarball (gzip'd ustar, optionally with PAX path headers).
 *
 * <p>Written here rather than pulling commons-compress because npm tarballs use only this small
 * subset of tar, and the train module should not grow dependencies for it.
 */
public final class TarGzReader {
    private TarGzReader() {
    }

    /** Returns path → bytes for every regular file whose path the filter accepts. */
    public static Map<String, byte[]> read(Path tgz, Predicate<String> wanted) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(tgz), 1 << 16), 1 << 16)) {
            byte[] header = new byte[512];
            String paxPath = null;
            while (true) {
                if (!readFully(in, header)) {
                    break;
                }
                if (isZeroBlock(header)) {
                    break;
                }
                String name = cString(header, 0, 100);
                long size = parseOctal(header, 124, 12);
                char type = (char) header[156];
                String prefix = cString(header, 345, 155);
                String path = prefix.isEmpty() ? name : prefix + "/" + name;
                byte[] body = readBody(in, size);
                if (type == 'x') {
                    paxPath = paxValue(body, "path");
                    continue;
                }
                if (paxPath != null) {
                    path = paxPath;
                    paxPath = null;
                }
                if ((type == '0' || type == 0) && wanted.test(path)) {
                    out.put(path, body);
                }
            }
        } catch (EOFException e) {
            throw new IOException("truncated tarball " + tgz + ": delete it so that it is fetched again", e);
        }
        return out;
    }

    private static byte[] readBody(InputStream in, long size) throws IOException {
        byte[] body = new byte[Math.toIntExact(size)];
        if (!readFully(in, body) && size > 0) {
            throw new EOFException();
        }
        long pad = (512 - size % 512) % 512;
        byte[] skip = new byte[(int) pad];
        if (!readFully(in, skip) && pad > 0) {
            throw new EOFException();
        }
        return body;
    }

    private static boolean readFully(InputStream in, byte[] buf) throws IOException {
        int off = 0;
        while (off < buf.length) {
            int n = in.read(buf, off, buf.length - off);
            if (n < 0) {
                if (off == 0) {
                    return false;
                }
                throw new EOFException();
            }
            off += n;
        }
        return true;
    }

    private static boolean isZeroBlock(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long parseOctal(byte[] b, int off, int len) {
        long v = 0;
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c == 0 || c == ' ') {
                if (v > 0) {
                    break;
                }
                continue;
            }
            v = v * 8 + (c - '0');
        }
        return v;
    }

    /** PAX records are "LEN key=value\n". */
    private static String paxValue(byte[] body, String key) {
        String s = new String(body, StandardCharsets.UTF_8);
        for (String line : s.split("\n")) {
            int sp = line.indexOf(' ');
            int eq = line.indexOf('=');
            if (sp > 0 && eq > sp && line.substring(sp + 1, eq).equals(key)) {
                return line.substring(eq + 1);
            }
        }
        return null;
    }
}
