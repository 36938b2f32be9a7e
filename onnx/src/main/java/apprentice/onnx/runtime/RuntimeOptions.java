package apprentice.onnx.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession.SessionOptions;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How ONNX Runtime runs the model sessions.
 *
 * @param provider execution provider: {@link Provider#CPU} (default) or {@link Provider#CUDA}, which needs the
 *                 GPU build of ONNX Runtime ({@code com.microsoft.onnxruntime:onnxruntime_gpu}) on the class path
 * @param deviceId CUDA device index (ignored on CPU)
 * @param intraOpThreads threads inside one operator; 0 lets ONNX Runtime choose (one per physical core)
 * @param interOpThreads threads across independent operators; 0 lets ONNX Runtime choose
 * @param optimization graph optimisation level
 * @param unetDims symbolic dimensions of the UNet session pinned to fixed values with
 *                 {@code SessionOptions.setSymbolicDimensionValue} (Optimum's names: {@code batch_size},
 *                 {@code height}, {@code width}, {@code sequence_length}, {@code steps}), so that ONNX Runtime
 *                 can plan memory statically. Only the UNet, the hot path, is pinned: the other sessions run
 *                 other batch sizes (VAE one image at a time) and use the same names for pixel sizes. A run
 *                 whose shapes differ from the pins fails. Empty: nothing pinned
 * @param spinning whether ONNX Runtime's pool threads busy-wait for the next operator (its default, lowest latency
 *                 for back-to-back calls); false sets {@code session.intra_op.allow_spinning} and
 *                 {@code session.inter_op.allow_spinning} to 0, so threads sleep between calls and leave the cores
 *                 to whatever else runs (a second model's lane in {@code serve}, other processes)
 */
public record RuntimeOptions(
        Provider provider,
        int deviceId,
        int intraOpThreads,
        int interOpThreads,
        Optimization optimization,
        Map<String, Long> unetDims,
        boolean spinning) {

    /** Execution providers apprentice knows how to configure. */
    public enum Provider {
        CPU, CUDA;

        /** Parses "cpu" or "cuda" (any case). */
        public static Provider parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown execution provider '" + name + "': use cpu or cuda", e);
            }
        }
    }

    /** ONNX Runtime's graph optimisation levels. */
    public enum Optimization {
        NONE(SessionOptions.OptLevel.NO_OPT),
        BASIC(SessionOptions.OptLevel.BASIC_OPT),
        EXTENDED(SessionOptions.OptLevel.EXTENDED_OPT),
        ALL(SessionOptions.OptLevel.ALL_OPT);

        final SessionOptions.OptLevel level;

        Optimization(SessionOptions.OptLevel level) {
            this.level = level;
        }

        public static Optimization parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown graph optimisation level '" + name
                        + "': use none, basic, extended or all", e);
            }
        }
    }

    public RuntimeOptions {
        if (provider == null) {
            provider = Provider.CPU;
        }
        if (optimization == null) {
            optimization = Optimization.ALL;
        }
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("thread counts must be >= 0 (0 = ONNX Runtime's choice), got intra-op "
                    + intraOpThreads + ", inter-op " + interOpThreads);
        }
        if (deviceId < 0) {
            throw new IllegalArgumentException("device id must be >= 0, got " + deviceId);
        }
        unetDims = unetDims == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(unetDims));
        unetDims.forEach((k, v) -> {
            if (v == null || v < 1) {
                throw new IllegalArgumentException("pinned dimension " + k + "=" + v + " must be a positive size");
            }
        });
    }

    /** As the canonical constructor, with ONNX Runtime's default spinning. */
    public RuntimeOptions(Provider provider, int deviceId, int intraOpThreads, int interOpThreads, Optimization optimization,
                          Map<String, Long> unetDims) {
        this(provider, deviceId, intraOpThreads, interOpThreads, optimization, unetDims, true);
    }

    /** CPU, ONNX Runtime's thread defaults (spinning included), all graph optimisations, nothing pinned. */
    public static RuntimeOptions defaults() {
        return new RuntimeOptions(Provider.CPU, 0, 0, 0, Optimization.ALL, Map.of(), true);
    }

    public RuntimeOptions withProvider(Provider p) {
        return new RuntimeOptions(p, deviceId, intraOpThreads, interOpThreads, optimization, unetDims, spinning);
    }

    public RuntimeOptions withDeviceId(int id) {
        return new RuntimeOptions(provider, id, intraOpThreads, interOpThreads, optimization, unetDims, spinning);
    }

    public RuntimeOptions withThreads(int intra, int inter) {
        return new RuntimeOptions(provider, deviceId, intra, inter, optimization, unetDims, spinning);
    }

    public RuntimeOptions withOptimization(Optimization o) {
        return new RuntimeOptions(provider, deviceId, intraOpThreads, interOpThreads, o, unetDims, spinning);
    }

    public RuntimeOptions withUnetDims(Map<String, Long> dims) {
        return new RuntimeOptions(provider, deviceId, intraOpThreads, interOpThreads, optimization, dims, spinning);
    }

    public RuntimeOptions withSpinning(boolean spin) {
        return new RuntimeOptions(provider, deviceId, intraOpThreads, interOpThreads, optimization, unetDims, spin);
    }

    /** Whether the ONNX Runtime on the class path can run CUDA (the GPU build). */
    public static boolean cudaAvailable() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }

    /**
     * Session options for one session; the caller closes them. Public so that every session (model folders,
     * oracles) is configured by this one method.
     *
     * @param pinnedDims symbolic dimensions to pin for this session (empty for none)
     * @throws IllegalStateException for CUDA when the ONNX Runtime on the class path is the CPU build
     */
    public SessionOptions toSessionOptions(Map<String, Long> pinnedDims) throws OrtException {
        if (provider == Provider.CUDA && !cudaAvailable()) {
            throw new IllegalStateException("the CUDA execution provider was requested, but the ONNX Runtime on the class "
                    + "path is the CPU build (available: " + OrtEnvironment.getAvailableProviders() + "): replace "
                    + "com.microsoft.onnxruntime:onnxruntime with onnxruntime_gpu of the same version, or use the cpu provider");
        }
        SessionOptions so = new SessionOptions();
        try {
            so.setOptimizationLevel(optimization.level);
            if (intraOpThreads > 0) {
                so.setIntraOpNumThreads(intraOpThreads);
            }
            if (interOpThreads > 0) {
                so.setInterOpNumThreads(interOpThreads);
            }
            if (!spinning) {
                so.addConfigEntry("session.intra_op.allow_spinning", "0");
                so.addConfigEntry("session.inter_op.allow_spinning", "0");
            }
            for (Map.Entry<String, Long> e : pinnedDims.entrySet()) {
                so.setSymbolicDimensionValue(e.getKey(), e.getValue());
            }
            if (provider == Provider.CUDA) {
                so.addCUDA(deviceId);
            }
            return so;
        } catch (OrtException | RuntimeException e) {
            so.close();
            throw e;
        }
    }

    /** One line for logs and bench reports. */
    public String describe() {
        return provider.name().toLowerCase(Locale.ROOT) + (provider == Provider.CUDA ? ":" + deviceId : "")
                + ", intra-op threads " + (intraOpThreads == 0 ? "auto" : intraOpThreads)
                + ", inter-op threads " + (interOpThreads == 0 ? "auto" : interOpThreads)
                + ", optimisation " + optimization.name().toLowerCase(Locale.ROOT)
                + (spinning ? "" : ", no spinning")
                + (unetDims.isEmpty() ? "" : ", UNet dims pinned " + unetDims);
    }
}
