package apprentice.onnx.runtime;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Finds the external-data files a {@code model.onnx} refers to (initializers stored outside the protobuf,
 * as large exports do: {@code model.onnx_data}, {@code weights.pb}, ...) and reports those missing beside it,
 * before ONNX Runtime fails with a less specific message.
 *
 * <p>Only graphs of at most {@link #MAX_PARSED_BYTES} are parsed: a model that keeps its weights outside is
 * small, while a big self-contained one (up to protobuf's 2 GB) would cost seconds to parse for nothing.
 */
final class ExternalDataCheck {
    static final long MAX_PARSED_BYTES = 64L << 20;

    private ExternalDataCheck() {
    }

    /** Relative paths of the missing external-data files of {@code model}, empty when none is missing. */
    static Set<String> missingFiles(Path model) {
        Set<String> missing = new LinkedHashSet<>();
        try {
            if (Files.size(model) > MAX_PARSED_BYTES) {
                return missing;
            }
            OnnxMl.ModelProto proto;
            try (InputStream in = Files.newInputStream(model)) {
                proto = OnnxMl.ModelProto.parseFrom(in);
            }
            Path dir = model.toAbsolutePath().getParent();
            for (OnnxMl.TensorProto t : proto.getGraph().getInitializerList()) {
                if (t.getDataLocation() != OnnxMl.TensorProto.DataLocation.EXTERNAL) {
                    continue;
                }
                for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
                    if (e.getKey().equals("location") && !Files.isRegularFile(dir.resolve(e.getValue()))) {
                        missing.add(e.getValue());
                    }
                }
            }
        } catch (IOException e) {
            // not parseable here: leave the verdict to ONNX Runtime, whose error names the file
        }
        return missing;
    }
}
