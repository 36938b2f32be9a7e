package apprentice.app.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One point of a curve: a method at one setting, averaged over the prompts.
 *
 * @param teacherShare percent of prompts whose image came from the teacher (refined or regenerated) under a gated method
 * @param fd Fréchet distance of the method's images to the real images in embedding space (NaN when not measured)
 */
public record MethodSummary(String task, String method, double param, int n, double avgNfe, double meanScore, double meanClip,
                            double fd, double meanSeconds, double teacherShare, double meanPsnr) {

    /** Something that turns a method's image embeddings into a Fréchet distance to the real images. */
    public interface Distance {
        double to(List<float[]> embeddings);
    }

    /** Groups records by (task, method, param), in first-seen order. */
    public static List<MethodSummary> of(List<EvalRecord> records, Distance fd) {
        Map<String, List<EvalRecord>> groups = new LinkedHashMap<>();
        for (EvalRecord r : records) {
            groups.computeIfAbsent(r.task() + "\u0000" + r.method() + "\u0000" + r.param(), x -> new ArrayList<>()).add(r);
        }
        List<MethodSummary> out = new ArrayList<>();
        for (List<EvalRecord> g : groups.values()) {
            EvalRecord first = g.get(0);
            long sent = g.stream().filter(EvalRecord::sentToTeacher).count();
            double distance = Double.NaN;
            // a covariance needs at least two images
            if (fd != null && g.size() >= 2 && g.stream().allMatch(r -> r.embedding() != null)) {
                distance = fd.to(g.stream().map(EvalRecord::embedding).toList());
            }
            out.add(new MethodSummary(first.task(), first.method(), first.param(), g.size(), mean(g, r -> r.nfe()), mean(g, EvalRecord::score),
                    mean(g, EvalRecord::clipScore), distance, mean(g, EvalRecord::seconds), 100.0 * sent / g.size(),
                    mean(g, EvalRecord::psnr)));
        }
        return out;
    }

    /** Mean over the finite values (PSNR is +∞ for an unchanged image; NaN marks "not measured"). */
    static double mean(List<EvalRecord> g, ToDoubleFunction<EvalRecord> f) {
        double sum = 0;
        int n = 0;
        for (EvalRecord r : g) {
            double v = f.applyAsDouble(r);
            if (Double.isFinite(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    public boolean gated() {
        return method.startsWith("adaptive") || method.equals(Methods.EDIT_ADAPTIVE);
    }
}
