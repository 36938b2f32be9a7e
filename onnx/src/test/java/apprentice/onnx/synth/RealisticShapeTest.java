package apprentice.onnx.synth;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import apprentice.onnx.graph.OnnxModelWriter;
import apprentice.onnx.graph.UnetGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The benchmark preset costs what its documentation says. */
class RealisticShapeTest {
    @TempDir
    Path tmp;

    @Test
    void unetCostsAFewGflopsPerCallAt64x64Latents() throws Exception {
        SyntheticSpec spec = SyntheticSpec.realisticShape();
        ModelProto unet = UnetGraph.build(spec.unet(), SyntheticModelFolder.weightsFor(spec, SyntheticModelFolder.Component.UNET));
        long params = 0;
        for (TensorProto t : unet.getGraph().getInitializerList()) {
            long n = 1;
            for (long d : t.getDimsList()) {
                n *= d;
            }
            params += n;
        }
        Path file = tmp.resolve("unet/model.onnx");
        OnnxModelWriter.save(unet, file, spec.externalDataThreshold());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, Double> flops = FlopCounter.count(file, Map.of(
                "sample", OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[4 * 64 * 64]), new long[] {1, 4, 64, 64}),
                "timestep", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {999}), new long[0]),
                "encoder_hidden_states", OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[77 * 128]), new long[] {1, 77, 128})), tmp);
        double g = flops.get("total") / 1e9;
        System.out.printf("realisticShape UNet: %.2f M parameters, %.3f GFLOPs per call at batch 1, 64x64x4, 77 tokens %s%n",
                params / 1e6, g, flops);
        // the figures documented on SyntheticSpec.realisticShape()
        assertEquals(5.13, g, 0.05, "GFLOPs per call");
        assertEquals(4.22, params / 1e6, 0.01, "million parameters");
    }
}
