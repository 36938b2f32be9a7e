package apprentice.onnx.graph;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Saves a model either as one self-contained {@code model.onnx} or, as large Stable Diffusion
 * exports do, as {@code model.onnx} plus the weights in {@code model.onnx_data} beside it
 * (ONNX "external data": each moved initializer keeps its name, dims and type, and records
 * {@code location}, {@code offset} and {@code length} into the data file). ORT resolves the
 * location relative to the model file, so load such models from their path, not from bytes.
 */
public final class OnnxModelWriter {
    /** Keep every initializer inside model.onnx. */
    public static final long NEVER_EXTERNAL = Long.MAX_VALUE;
    /** Protobuf cannot serialise messages of 2 GiB or more. */
    private static final long PROTOBUF_LIMIT = (1L << 31) - 1;
    /** Big tensors start on a page boundary so a runtime may memory-map them, as onnx does. */
    private static final long PAGE_ALIGN = 4096;
    private static final long PAGE_ALIGN_FROM = 1 << 20;
    /** Small tensors are still aligned to 64 bytes so their floats never straddle odd offsets. */
    private static final long MIN_ALIGN = 64;

    private OnnxModelWriter() {
    }

    /** Writes everything inline into {@code file} (removes a stale {@code <file>_data} beside it). */
    public static void save(ModelProto model, Path file) {
        save(model, file, NEVER_EXTERNAL);
    }

    /**
     * Writes {@code file}; initializers whose raw data has at least {@code externalThresholdBytes}
     * bytes go to {@code <file name>_data} in the same folder.
     *
     * @return the data file, or {@code null} if every initializer stayed inline
     */
    public static Path save(ModelProto model, Path file, long externalThresholdBytes) {
        if (externalThresholdBytes < 0) {
            throw new IllegalArgumentException("external-data threshold must be >= 0 bytes, got " + externalThresholdBytes);
        }
        Path dataFile = dataFileFor(file);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.deleteIfExists(dataFile);
            GraphProto.Builder graph = model.getGraph().toBuilder();
            boolean anyExternal = false;
            try (OutputStream data = externalThresholdBytes == NEVER_EXTERNAL ? OutputStream.nullOutputStream()
                    : Files.newOutputStream(dataFile)) {
                long offset = 0;
                for (int i = 0; i < graph.getInitializerCount(); i++) {
                    TensorProto t = graph.getInitializer(i);
                    long length = t.getRawData().size();
                    if (!t.hasRawData() || length < externalThresholdBytes || externalThresholdBytes == NEVER_EXTERNAL) {
                        continue;
                    }
                    long align = length >= PAGE_ALIGN_FROM ? PAGE_ALIGN : MIN_ALIGN;
                    long padded = (offset + align - 1) / align * align;
                    data.write(new byte[(int) (padded - offset)]);
                    t.getRawData().writeTo(data);
                    graph.setInitializer(i, t.toBuilder().clearRawData()
                            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                            .addExternalData(entry("location", dataFile.getFileName().toString()))
                            .addExternalData(entry("offset", Long.toString(padded)))
                            .addExternalData(entry("length", Long.toString(length))));
                    offset = padded + length;
                    anyExternal = true;
                }
            }
            if (!anyExternal) {
                Files.deleteIfExists(dataFile);
            }
            ModelProto out = model.toBuilder().setGraph(graph).build();
            if (out.getSerializedSize() < 0 || out.getSerializedSize() >= PROTOBUF_LIMIT) {
                throw new IllegalArgumentException("model '" + file + "' is over protobuf's 2 GiB limit inline:"
                        + " save it with an external-data threshold (e.g. 1024 bytes)");
            }
            try (OutputStream os = Files.newOutputStream(file)) {
                out.writeTo(os);
            }
            return anyExternal ? dataFile : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ONNX model " + file, e);
        }
    }

    /** {@code model.onnx} -> {@code model.onnx_data} (the name diffusers/Optimum exports use). */
    public static Path dataFileFor(Path file) {
        return file.resolveSibling(file.getFileName() + "_data");
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
