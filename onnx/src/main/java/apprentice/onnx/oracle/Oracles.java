package apprentice.onnx.oracle;

import apprentice.core.oracle.Oracle;
import apprentice.onnx.runtime.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens an oracle folder: a reward model when it has {@code reward_config.json}, else a CLIP-score model. */
public final class Oracles {
    private Oracles() {
    }

    public static Oracle open(Path dir, RuntimeOptions options) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("oracle folder " + dir + " is not a directory: pass an Optimum `clip` export "
                    + "(model.onnx + preprocessor_config.json + tokenizer) or a reward model folder with reward_config.json");
        }
        return Files.isRegularFile(dir.resolve("reward_config.json")) ? OnnxRewardModel.open(dir, options)
                : ClipScoreOracle.open(dir, options);
    }
}
