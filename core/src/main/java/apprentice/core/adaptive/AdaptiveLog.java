package apprentice.core.adaptive;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** Appends one JSON line per finished image (its record plus the file it was written to) to a log file. */
public final class AdaptiveLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedWriter out;
    private final Path file;

    public AdaptiveLog(Path file) {
        this.file = file;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot open the log file " + file + ": " + e.getMessage(), e);
        }
    }

    public synchronized void append(AdaptiveRecord record, String imageFile) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", imageFile);
        m.putAll(record.toJson());
        try {
            out.write(JSON.writeValueAsString(m));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write to the log file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new IllegalStateException("cannot close the log file " + file + ": " + e.getMessage(), e);
        }
    }
}
