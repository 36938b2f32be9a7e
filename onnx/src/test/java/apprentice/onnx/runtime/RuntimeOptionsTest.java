package apprentice.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession.SessionOptions;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class RuntimeOptionsTest {

    @Test
    void defaultsAreCpuWithEverythingAuto() {
        RuntimeOptions o = RuntimeOptions.defaults();
        assertEquals(RuntimeOptions.Provider.CPU, o.provider());
        assertEquals(RuntimeOptions.Optimization.ALL, o.optimization());
        assertEquals("cpu, intra-op threads auto, inter-op threads auto, optimisation all", o.describe());
    }

    @Test
    void parsesNamesAndRejectsUnknownOnes() {
        assertEquals(RuntimeOptions.Provider.CUDA, RuntimeOptions.Provider.parse(" Cuda "));
        assertEquals(RuntimeOptions.Optimization.BASIC, RuntimeOptions.Optimization.parse("basic"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RuntimeOptions.Provider.parse("tpu"));
        assertTrue(e.getMessage().contains("use cpu or cuda"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RuntimeOptions.defaults().withThreads(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> RuntimeOptions.defaults().withUnetDims(Map.of("batch_size", 0L)));
    }

    @Test
    void cudaWithoutTheGpuBuildFailsClearly() {
        Assumptions.assumeFalse(RuntimeOptions.cudaAvailable(), "the GPU build of ONNX Runtime is on the class path");
        RuntimeOptions cuda = RuntimeOptions.defaults().withProvider(RuntimeOptions.Provider.CUDA);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cuda.toSessionOptions(Map.of()));
        assertTrue(e.getMessage().contains("onnxruntime_gpu"), e.getMessage());
    }

    @Test
    void cpuSessionOptionsAcceptPinsAndThreads() throws Exception {
        RuntimeOptions o = RuntimeOptions.defaults().withThreads(2, 1)
                .withUnetDims(Map.of("batch_size", 2L, "height", 8L, "width", 8L));
        try (SessionOptions so = o.toSessionOptions(o.unetDims())) {
            assertTrue(so != null);
        }
        assertTrue(o.describe().contains("UNet dims pinned {batch_size=2, height=8, width=8}"), o.describe());
    }

    @Test
    void spinningIsOnlyTurnedOffWhenAskedFor() throws Exception {
        try (SessionOptions so = RuntimeOptions.defaults().toSessionOptions(Map.of())) {
            assertTrue(!so.getConfigEntries().containsKey("session.intra_op.allow_spinning"), so.getConfigEntries().toString());
        }
        RuntimeOptions quiet = RuntimeOptions.defaults().withThreads(2, 0).withSpinning(false);
        try (SessionOptions so = quiet.toSessionOptions(Map.of())) {
            assertEquals("0", so.getConfigEntries().get("session.intra_op.allow_spinning"));
            assertEquals("0", so.getConfigEntries().get("session.inter_op.allow_spinning"));
        }
        assertEquals(2, quiet.intraOpThreads(), "the other settings survive");
        assertTrue(quiet.describe().contains("no spinning"), quiet.describe());
    }
}
