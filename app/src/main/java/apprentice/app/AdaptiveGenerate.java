package apprentice.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** {@code apprentice generate} when it is adaptive ({@link AdaptiveOptions#active}): the generate options mapped onto {@link AdaptiveRunner}. */
final class AdaptiveGenerate {
    private AdaptiveGenerate() {
    }

    static int run(GenerateCommand g, List<String> texts, long[] seeds) throws IOException {
        if (g.initImage != null) {
            throw new BadInputException("--init-image with adaptive generation: use `apprentice edit --image FILE` for adaptive"
                    + " editing, or --no-adaptive for a plain image-to-image run");
        }
        if (g.latentsFile != null) {
            throw new BadInputException("--latents is not supported with adaptive generation (every draft's noise comes from its"
                    + " seed): use --no-adaptive");
        }
        ImageSize size = g.size == null ? null : g.size.explicit(); // GenerateCommand.checkRanges ran first
        List<String> perImage = PromptList.eachRepeated(texts, g.count);
        var err = g.spec.commandLine().getErr();
        Path folder = g.main.modelFolder(g.model, err);
        AdaptiveRunner.Inputs in = new AdaptiveRunner.Inputs(perImage, seeds, g.negativePrompt, folder, g.model == null, g.scheduler,
                g.steps, g.guidance, size, g.output, g.reproducible, null, null, Double.NaN, g.control.forAdaptive());
        return AdaptiveRunner.run(g.main.env(), g.adaptive, g.runtime.options(), in, g.spec.commandLine().getOut(), err,
                g.verbose.enabled());
    }
}
