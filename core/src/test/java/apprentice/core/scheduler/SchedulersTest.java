package apprentice.core.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SchedulersTest {
    private static final SchedulerGolden DDIM = SchedulerGolden.load("ddim.json");
    private static final SchedulerGolden LCM = SchedulerGolden.load("lcm.json");

    private static SchedulerConfig sd15() throws Exception {
        return SchedulerConfig.read(Path.of(SchedulersTest.class.getResource("/scheduler/sd15_scheduler_config.json").toURI()));
    }

    @Test
    void sd15PndmConfigBuildsTheDocumentedSubstitute() throws Exception {
        SchedulerConfig sd = sd15();
        assertEquals("PNDMScheduler", sd.className());
        Scheduler s = Schedulers.create(sd);
        assertInstanceOf(DdimScheduler.class, s);
        assertEquals("ddim", Schedulers.nameOf("PNDMScheduler"));
        assertEquals("DDIMScheduler", s.config().className());
        // SD sets no timestep_spacing: DDIM's own default "leading" with SD's steps_offset 1
        s.setTimesteps(10);
        assertArrayEquals(new double[] {901, 801, 701, 601, 501, 401, 301, 201, 101, 1}, s.timesteps());
        assertEquals("leading", s.config().getString("timestep_spacing", null));
    }

    @Test
    void sd15ConfigThroughTheFactoryReproducesDiffusersDdim() throws Exception {
        // the golden DDIM config is exactly SD 1.5's training schedule plus DDIMScheduler defaults
        SchedulerConfig sd = sd15();
        DDIM.checkCase(c -> Schedulers.create(sd), DDIM.caseById("leading_epsilon_50"));
        DDIM.checkCase(c -> Schedulers.create("ddim", sd), DDIM.caseById("leading_epsilon_4"));
    }

    @Test
    void switchingSd15ToLcmReproducesDiffusersLcm() throws Exception {
        SchedulerConfig sd = sd15();
        LCM.checkCase(c -> Schedulers.create("lcm", sd), LCM.caseById("epsilon_4"));
        assertInstanceOf(LcmScheduler.class, Schedulers.create("LCM", sd));
    }

    /** short name, golden file, a case whose config is SD 1.5's schedule plus the class defaults, the class. */
    static Stream<Arguments> sigmaFamily() {
        return Stream.of(
                Arguments.of("euler", "euler_discrete.json", "linspace_epsilon_4", EulerDiscreteScheduler.class),
                Arguments.of("euler-a", "euler_ancestral_discrete.json", "linspace_epsilon_4",
                        EulerAncestralDiscreteScheduler.class),
                Arguments.of("dpm++2m", "dpmsolver_multistep.json", "linspace_epsilon_5", DpmSolverMultistepScheduler.class),
                Arguments.of("dpm", "dpmsolver_multistep.json", "linspace_epsilon_10", DpmSolverMultistepScheduler.class),
                Arguments.of("unipc", "unipc_multistep.json", "linspace_epsilon_5", UniPcMultistepScheduler.class));
    }

    /**
     * SD 1.5 sets no timestep_spacing, so diffusers' from_config gives these classes their own default,
     * linspace, where DDIM and LCM get leading: the golden linspace cases must come out exactly.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("sigmaFamily")
    void switchingSd15ToSigmaSchedulersUsesTheirOwnDefaults(String name, String file, String caseId,
                                                           Class<? extends Scheduler> type) throws Exception {
        SchedulerConfig sd = sd15();
        assertInstanceOf(type, Schedulers.create(name, sd));
        SchedulerGolden g = SchedulerGolden.load(file);
        SchedulerGolden.Case c = g.caseById(caseId);
        g.checkCase(ignored -> Schedulers.create(name, sd), c);
        // and by class name, from the golden file's own full config
        String cls = g.schedulerClass();
        assertInstanceOf(type, Schedulers.create(c.config().with(Map.of("_class_name", cls))));
        assertEquals(name.equals("dpm") ? "dpm++2m" : name, Schedulers.nameOf(cls));
    }

    @Test
    void classNamesOfTheGoldenConfigsBuildTheirClasses() {
        SchedulerConfig ddim = DDIM.config("trailing_v_prediction").with(Map.of("_class_name", "DDIMScheduler"));
        assertInstanceOf(DdimScheduler.class, Schedulers.create(ddim));
        DDIM.checkCase(c -> Schedulers.create(c.with(Map.of("_class_name", "DDIMScheduler"))),
                DDIM.caseById("trailing_v_prediction_5"));
        SchedulerConfig lcm = LCM.config("v_prediction").with(Map.of("_class_name", "LCMScheduler"));
        assertInstanceOf(LcmScheduler.class, Schedulers.create(lcm));
    }

    @Test
    void switchingKeepsTrainingKeysAndExplicitSpacing() throws Exception {
        Map<String, Object> m = new HashMap<>(sd15().asMap());
        m.put("timestep_spacing", "trailing");
        m.put("prediction_type", "v_prediction");
        SchedulerConfig c = Schedulers.configFor("ddim", new SchedulerConfig(m));
        assertEquals("DDIMScheduler", c.className());
        assertEquals("trailing", c.getString("timestep_spacing", null));
        assertEquals("v_prediction", c.getString("prediction_type", null));
        assertEquals(0.00085, c.getDouble("beta_start", 0), 0);
        assertEquals("scaled_linear", c.getString("beta_schedule", null));
        assertEquals(1, c.getInt("steps_offset", 0));
        assertFalse(c.has("_diffusers_version"));
        Scheduler s = Schedulers.create("ddim", new SchedulerConfig(m));
        s.setTimesteps(1);
        assertArrayEquals(new double[] {999}, s.timesteps());
    }

    @Test
    void unsetSpacingStaysUnsetSoEachClassUsesItsOwnDefault() throws Exception {
        assertNull(Schedulers.configFor("lcm", sd15()).getString("timestep_spacing", null));
        assertNull(Schedulers.configFor("ddim", sd15()).getString("timestep_spacing", null));
    }

    @Test
    void solverTypeIsDroppedWhenTheClassChanges() {
        SchedulerConfig dpmLike = new SchedulerConfig(Map.of("_class_name", "DPMSolverMultistepScheduler",
                "solver_type", "midpoint", "beta_schedule", "scaled_linear"));
        SchedulerConfig c = Schedulers.configFor("ddim", dpmLike);
        assertFalse(c.has("solver_type"));
        assertEquals("scaled_linear", c.getString("beta_schedule", null));
    }

    @Test
    void unknownNamesAndClassesAreRejectedWithTheValidOnes() throws Exception {
        SchedulerConfig sd = sd15();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedulers.create("heun", sd));
        for (String valid : new String[] {"ddim", "euler", "euler-a", "dpm++2m", "dpm", "lcm", "unipc"}) {
            assertTrue(e.getMessage().contains(valid), e.getMessage());
            assertTrue(Schedulers.create(valid.toUpperCase(java.util.Locale.ROOT), sd) != null);
        }
        e = assertThrows(IllegalArgumentException.class,
                () -> Schedulers.create(sd.with(Map.of("_class_name", "KarrasVeScheduler"))));
        assertTrue(e.getMessage().contains("KarrasVeScheduler") && e.getMessage().contains("DDIMScheduler"), e.getMessage());
        Map<String, Object> noClass = new HashMap<>(sd.asMap());
        noClass.remove("_class_name");
        e = assertThrows(IllegalArgumentException.class, () -> Schedulers.create(new SchedulerConfig(noClass)));
        assertTrue(e.getMessage().contains("_class_name"), e.getMessage());
    }
}
