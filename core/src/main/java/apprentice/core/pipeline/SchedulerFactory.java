package apprentice.core.pipeline;

import apprentice.core.scheduler.Scheduler;
import apprentice.core.scheduler.SchedulerConfig;

/**
 * Makes a fresh (stateful) scheduler for one generation run.
 */
@FunctionalInterface
public interface SchedulerFactory {

    /**
     * @param shortName a scheduler short name ("ddim", "lcm", "euler", "euler-a", "dpm++2m", "unipc"),
     *                  or null for the class named in {@code base}
     * @param base the model folder's {@code scheduler_config.json} (training schedule, prediction type)
     */
    Scheduler create(String shortName, SchedulerConfig base);
}
