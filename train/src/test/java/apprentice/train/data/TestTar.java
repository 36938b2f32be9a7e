package apprentice.train.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Writes minimal ustar tarballs for tests; names longer than 100 bytes go through a PAX 'path' record, as npm does. */
final class TestTar {
    private TestTar() {
    }

    static Path tgz(Path path, Map<String, byte[]> files) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(path))) {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                String name = e.getKey();
                if (name.getBytes(StandardCharsets.UTF_8).length > 100) {
                    String body = "path=" + name + "\n";
                    int len = body.length() + 3;
                    String rec = len + " " + body;
                    if (rec.length() != len) {
                        rec = (len + 1) + " " + body;
                    }
                    entry(out, "PaxHeader", 'x', rec.getBytes(StandardCharsets.UTF_8));
                    name = "truncated";
                }
                entry(out, name, '0', e.getValue());
            }
            out.write(new byte[1024]);
        }
        return path;
    }

    private static void entry(OutputStream out, String name, char type, byte[] body) throws IOException {
        byte[] h = new byte[512];
        put(h, 0, name.getBytes(StandardCharsets.UTF_8));
        put(h, 100, "0000644\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 124, String.format("%011o\0", body.length).getBytes(StandardCharsets.US_ASCII));
        h[156] = (byte) type;
        put(h, 257, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        put(h, 148, String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII));
        out.write(h);
        out.write(body);
        out.write(new byte[(512 - body.length % 512) % 512]);
    }

    private static void put(byte[] dst, int off, byte[] src) {
        System.arraycopy(src, 0, dst, off, src.length);
    }
}
