package apprentice.onnx.graph;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static apprentice.onnx.graph.ElementType.FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphBuilderTest {
    @TempDir
    Path dir;

    /** conv + norm + linear, big enough that two initializers pass a 1 KiB threshold. */
    private static ModelProto smallNet() {
        GraphBuilder g = new GraphBuilder("net").docString("test net").metadata("purpose", "unit test");
        DiffusionBlocks b = new DiffusionBlocks(g, new SeededWeights(7));
        String x = g.input("sample", FLOAT, "batch_size", 8, "height", "width");
        String h = b.conv2d("conv", x, 8, 16, 3, 1, 1);
        h = b.silu(b.groupNorm("norm", h, 4, 16, 1e-5f));
        g.output(h, "out_sample", FLOAT, "batch_size", 16, "height", "width");
        return g.build();
    }

    @Test
    void modelDeclaresIrVersionOpsetAndMetadata() throws OrtException {
        ModelProto m = smallNet();
        assertEquals(8, m.getIrVersion());
        assertEquals(17, m.getOpsetImport(0).getVersion());
        assertEquals("", m.getOpsetImport(0).getDomain());
        try (OrtSession s = OrtHarness.session(m)) {
            assertEquals("apprentice", s.getMetadata().getProducerName());
            assertEquals("test net", s.getMetadata().getDescription());
            assertEquals("unit test", s.getMetadata().getCustomMetadataValue("purpose").orElseThrow());
            TensorInfo in = (TensorInfo) s.getInputInfo().get("sample").getInfo();
            assertArrayEquals(new String[] {"batch_size", "", "height", "width"}, in.getDimensionNames());
            assertArrayEquals(new long[] {-1, 8, -1, -1}, in.getShape());
        }
    }

    @Test
    void externalDataModelGivesIdenticalOutputs() throws IOException, OrtException {
        ModelProto m = smallNet();
        Path inline = dir.resolve("inline/model.onnx");
        Path external = dir.resolve("external/model.onnx");
        assertNull(OnnxModelWriter.save(m, inline, OnnxModelWriter.NEVER_EXTERNAL));
        Path data = OnnxModelWriter.save(m, external, 1024);
        assertEquals(external.resolveSibling("model.onnx_data"), data);
        assertFalse(Files.exists(OnnxModelWriter.dataFileFor(inline)));

        ModelProto reread = ModelProto.parseFrom(Files.readAllBytes(external));
        long moved = reread.getGraph().getInitializerList().stream()
                .filter(t -> t.getDataLocation() == TensorProto.DataLocation.EXTERNAL).count();
        assertEquals(1, moved, "only conv.weight (16*8*9*4 bytes) passes 1 KiB");
        assertTrue(Files.size(external) < Files.size(inline) - 4000);

        float[] x = Reference.random(3, 2 * 8 * 5 * 4, 1);
        float[] a;
        float[] b;
        try (OrtSession s = OrtHarness.session(inline)) {
            a = OrtHarness.run(s, Map.of("sample", OrtHarness.floats(x, 2, 8, 5, 4))).get("out_sample").data();
        }
        try (OrtSession s = OrtHarness.session(external)) {
            b = OrtHarness.run(s, Map.of("sample", OrtHarness.floats(x, 2, 8, 5, 4))).get("out_sample").data();
        }
        assertArrayEquals(a, b);

        // saving inline again over the folder removes the now stale data file
        OnnxModelWriter.save(m, external);
        assertFalse(Files.exists(data));
    }

    @Test
    void sameCallsGiveIdenticalBytes() {
        assertArrayEquals(smallNet().toByteArray(), smallNet().toByteArray());
    }

    @Test
    void badUseFailsWithAClearMessage() {
        GraphBuilder g = new GraphBuilder("bad");
        g.input("x", FLOAT, "n");
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> g.input("x", FLOAT, 3));
        assertTrue(dup.getMessage().contains("'x' is already used"), dup.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> g.op("Relu", "y"));
        assertTrue(unknown.getMessage().contains("input 'y' is not a value"), unknown.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> g.initializer("w", new float[5], 2, 3));
        assertTrue(count.getMessage().contains("5 values but shape [2, 3] needs 6"), count.getMessage());
        IllegalArgumentException attr = assertThrows(IllegalArgumentException.class,
                () -> g.op("Softmax", List.of("x"), Map.of("axis", List.of(1))));
        assertTrue(attr.getMessage().contains("unsupported value type"), attr.getMessage());
        assertThrows(IllegalStateException.class, g::build);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> new MapWeights(Map.of("w.weight", new apprentice.core.tensor.Tensor(new int[] {3, 2}, new float[6])))
                        .get("w.weight", WeightInit.FAN_IN_UNIFORM, 2, 3));
        assertTrue(shape.getMessage().contains("has shape [3, 2] but the graph needs [2, 3]"), shape.getMessage());
    }

    @Test
    void seededWeightsDependOnNameAndSeedOnly() {
        SeededWeights a = new SeededWeights(1);
        float[] first = a.get("conv.weight", WeightInit.FAN_IN_UNIFORM, 4, 2, 3, 3);
        a.get("other.weight", WeightInit.FAN_IN_UNIFORM, 4, 4);
        assertArrayEquals(first, new SeededWeights(1).get("conv.weight", WeightInit.FAN_IN_UNIFORM, 4, 2, 3, 3));
        assertFalse(java.util.Arrays.equals(first, new SeededWeights(2).get("conv.weight", WeightInit.FAN_IN_UNIFORM, 4, 2, 3, 3)));
        double bound = 1 / Math.sqrt(2 * 3 * 3);
        for (float v : first) {
            assertTrue(Math.abs(v) <= bound, "fan-in bound");
        }
    }
}
