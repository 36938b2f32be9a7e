package apprentice.app.evaluate;

import java.util.List;
import java.util.Map;

/**
 * Everything the report says.
 *
 * @param context ordered facts about the run (command, time, machine, models, settings, conventions, calibration)
 * @param beyond observations on the options beyond the paper, against adaptive refinement at the same k
 * @param notes caveats the reader needs (e.g. the CLIP score is the oracle's own network)
 */
public record Report(EvalSettings settings, List<EvalRecord> records, List<MethodSummary> summaries, List<Claims.Claim> claims,
                     List<String> beyond, Map<String, String> context, List<String> notes) {
}
