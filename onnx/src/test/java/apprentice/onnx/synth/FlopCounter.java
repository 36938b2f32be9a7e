package apprentice.onnx.synth;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the floating-point operations one run of a model performs, from ONNX Runtime's profile
 * of an unoptimised session (every node of the graph as written, with its actual input shapes):
 * Conv, MatMul and Gemm at 2 FLOPs per multiply-add. Elementwise ops, norms and softmax are left
 * out (a few percent of a UNet).
 */
final class FlopCounter {
    private FlopCounter() {
    }

    /** FLOPs by op type, plus the total under "total". */
    static Map<String, Double> count(Path model, Map<String, OnnxTensor> inputs, Path profileDir) throws OrtException, IOException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
        o.setIntraOpNumThreads(1);
        o.enableProfiling(profileDir.resolve("profile").toString());
        String file;
        try (OrtSession s = env.createSession(model.toString(), o)) {
            s.run(inputs).close();
            file = s.endProfiling();
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
        Map<String, Double> flops = new TreeMap<>();
        double total = 0;
        for (JsonNode e : new ObjectMapper().readTree(Files.readAllBytes(Path.of(file)))) {
            JsonNode args = e.get("args");
            if (!"Node".equals(e.path("cat").asText()) || !e.path("name").asText().endsWith("_kernel_time") || args == null) {
                continue;
            }
            String op = args.path("op_name").asText();
            JsonNode in = args.path("input_type_shape");
            JsonNode out = args.path("output_type_shape");
            double f = switch (op) {
                case "Conv" -> 2 * numel(out.get(0)) * numel(in.get(1)) / shape(in.get(1)).get(0).asDouble();
                case "MatMul", "Gemm" -> {
                    JsonNode a = shape(in.get(0));
                    double k = op.equals("Gemm") && args.path("transA").asInt(0) == 1 ? a.get(0).asDouble() : a.get(a.size() - 1).asDouble();
                    yield 2 * numel(out.get(0)) * k;
                }
                default -> 0;
            };
            if (f > 0) {
                flops.merge(op, f, Double::sum);
                total += f;
            }
        }
        flops.put("total", total);
        Files.deleteIfExists(Path.of(file));
        return flops;
    }

    private static JsonNode shape(JsonNode typed) {
        return typed.elements().next();
    }

    private static double numel(JsonNode typed) {
        double n = 1;
        for (JsonNode d : shape(typed)) {
            n *= d.asDouble();
        }
        return n;
    }
}
