package apprentice.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import apprentice.core.noise.TorchGenerator;
import apprentice.core.tensor.Tensor;
import apprentice.onnx.graph.Float16Weights;
import apprentice.onnx.synth.SyntheticModelFolder;
import apprentice.onnx.synth.SyntheticSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A UNet with float16-stored weights: half the file, the same interface, outputs within float16 rounding. */
class Float16WeightsTest {
    @TempDir
    Path tmp;

    @Test
    void aUnetWithFloat16WeightsIsHalfTheSizeAndPredictsWithinRounding() throws Exception {
        Path full = tmp.resolve("full");
        SyntheticModelFolder.write(full, SyntheticSpec.tiny());
        Path fullUnet = full.resolve("unet");
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(fullUnet.resolve("model.onnx")));
        OnnxMl.ModelProto half = Float16Weights.convert(model, 64);
        long fp16 = half.getGraph().getInitializerList().stream()
                .filter(t -> t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT16.getNumber()).count();
        long fp32 = half.getGraph().getInitializerList().stream()
                .filter(t -> t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT.getNumber()).count();
        assertTrue(fp16 > 10 && fp32 > 0, "large weights converted (" + fp16 + "), small ones kept (" + fp32 + ")");

        Path halfUnet = Files.createDirectories(tmp.resolve("half").resolve("unet"));
        Files.write(halfUnet.resolve("model.onnx"), half.toByteArray());
        Files.copy(fullUnet.resolve("config.json"), halfUnet.resolve("config.json"));
        long a = Files.size(fullUnet.resolve("model.onnx"));
        long b = Files.size(halfUnet.resolve("model.onnx"));
        assertTrue(b < 0.6 * a, "file " + b + " bytes vs " + a);

        Tensor sample = new TorchGenerator(1).randn(1, 4, 8, 8);
        Tensor hidden = new TorchGenerator(2).randn(1, 77, 32);
        try (OnnxUnet f = OnnxUnet.open(fullUnet, RuntimeOptions.defaults());
             OnnxUnet h = OnnxUnet.open(halfUnet, RuntimeOptions.defaults())) {
            float[] x = f.predict(sample, 500, hidden, null).data();
            float[] y = h.predict(sample, 500, hidden, null).data();
            double maxAbs = 0;
            double maxDiff = 0;
            for (int i = 0; i < x.length; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(x[i]));
                maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
            }
            assertTrue(maxDiff > 0, "the weights were rounded");
            assertTrue(maxDiff < 5e-3 * maxAbs, "max difference " + maxDiff + " against outputs up to " + maxAbs);
        }
    }
}
