package apprentice.app.evaluate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One prompt under one method: the image a user of that method would get, its quality and its cost. These are the
 * lines of {@code records.jsonl}; every table, plot and conclusion of the report is computed from them.
 *
 * @param task "generate" (text-to-image) or "edit"
 * @param prompt the prompt's index in the evaluated set
 * @param promptText the prompt (editing: the edit prompt)
 * @param method method key, e.g. "adaptive-refine" ({@link Methods})
 * @param param the method's knob: steps for fixed samplers, k (percent) for adaptive methods
 * @param route kept / refined / regenerated for gated methods; "student" or "teacher" for ungated ones
 * @param score the gate oracle's score of the final image
 * @param clipScore CLIP score of the final image (NaN when not measured)
 * @param nfe UNet evaluations run for this image, CFG counted once, best-of drafts all counted
 * @param seconds wall time per image: the measured per-stage times of the stages this image went through
 * @param psnr editing: PSNR of the final image to the input, dB (NaN for text-to-image)
 * @param embedding the final image's embedding for the Fréchet distance (not written to the JSONL)
 */
public record EvalRecord(String task, int prompt, String promptText, String method, double param, String route, double score,
                         double clipScore, int nfe, double seconds, double psnr, float[] embedding) {

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task);
        m.put("prompt_index", prompt);
        m.put("prompt", promptText);
        m.put("method", method);
        m.put("param", param == Math.rint(param) ? (Object) (long) param : (Object) param);
        m.put("route", route);
        m.put("score", finite(score));
        m.put("clip_score", finite(clipScore));
        m.put("nfe", nfe);
        m.put("seconds", seconds);
        if (!Double.isNaN(psnr)) {
            m.put("psnr", finite(psnr));
        }
        return m;
    }

    /** JSON has no NaN or ∞: they are written as null (∞ PSNR only for an unchanged image). */
    private static Object finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    public boolean sentToTeacher() {
        return route.equals("refined") || route.equals("regenerated");
    }
}
