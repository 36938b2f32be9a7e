package apprentice.app.serve;

import apprentice.core.pipeline.CancellationToken;
import apprentice.core.pipeline.GenerationRequest;
import apprentice.core.pipeline.GenerationResult;
import apprentice.core.pipeline.ProgressListener;

/** One model's generation call: {@code DiffusionPipeline::generate} in production, a fake in tests. */
@FunctionalInterface
public interface DenoiseRun {
    GenerationResult run(GenerationRequest request, ProgressListener listener, CancellationToken cancel);
}
