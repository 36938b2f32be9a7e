package apprentice.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The load generator behind {@code serve --bench}, against fakes (its numbers here mean nothing; its bookkeeping does). */
class ServeBenchTest {

    @Test
    void countsEveryRequestAndReportsEachMode() throws Exception {
        try (TestServer t = new TestServer(TestServer.fast(), 1, 1, null)) {
            ServeBench bench = new ServeBench(URI.create("http://127.0.0.1:" + t.server.port()), null);
            ServeBench.Row student = bench.run("student", Map.of("steps", 2), 12, 3, 1);
            ServeBench.Row adaptive = bench.run("adaptive", Map.of("steps", 2, "teacher_steps", 3), 10, 2, 0);
            assertEquals(12, student.ok());
            assertEquals(0, student.failed());
            assertEquals(12, student.latencyMs().length);
            assertEquals(2.0, student.meanNfe(), 1e-9);
            assertEquals(Map.of("student", 12), student.routes());
            assertTrue(student.percentile(50) <= student.percentile(99));
            assertEquals(10, adaptive.routes().values().stream().mapToInt(Integer::intValue).sum());
            assertTrue(adaptive.routes().keySet().stream().allMatch(r -> List.of("kept", "refined").contains(r)));
            StringWriter out = new StringWriter();
            ServeBench.print(List.of(student, adaptive), "fakes", new PrintWriter(out));
            assertTrue(out.toString().contains("| student | 12 | 3 | 12 |"), out.toString());
            assertTrue(out.toString().contains("| adaptive | 10 | 2 | 10 |"), out.toString());
        }
    }
}
