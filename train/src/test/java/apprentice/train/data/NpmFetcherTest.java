package apprentice.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpmFetcherTest {
    @TempDir
    Path tmp;

    @Test
    void integrityIsNpmsSha512Format() throws IOException {
        Path f = Files.writeString(tmp.resolve("x"), "abc");
        // sha512("abc") in base64
        assertEquals("sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==",
                NpmFetcher.integrityOf(f));
    }

    @Test
    void tamperedTarballIsRejectedWithTheFix() throws IOException {
        NpmPackage pkg = NpmPackage.EMOJIBASE;
        Files.write(tmp.resolve(pkg.tarballName()), "not the package".getBytes(StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, () -> new NpmFetcher(tmp, "npm").fetch(pkg));
        assertTrue(e.getMessage().contains("integrity mismatch") && e.getMessage().contains("delete"), e.getMessage());
    }

    @Test
    void missingNpmIsAClearError() {
        IOException e = assertThrows(IOException.class,
                () -> new NpmFetcher(tmp, "/nonexistent/npm-binary").fetch(NpmPackage.GOOGLE));
        assertTrue(e.getMessage().contains("install Node.js/npm"), e.getMessage());
    }
}
