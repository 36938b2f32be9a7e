package apprentice.app.metrics;

/**
 * One way of drawing images that the metrics compare: which model folder, which sampler, how many steps.
 *
 * @param name how tables and the grid label it, e.g. "teacher DDIM 50"
 * @param role "teacher" or "student" (which model folder)
 * @param scheduler the sampler's short name (ddim, lcm, ...)
 * @param steps inference steps asked of the scheduler
 * @param guidance the guidance scale (CFG for the teacher; the LCM student embeds it instead)
 */
public record SamplerSpec(String name, String role, String scheduler, int steps, double guidance) {
}
