package apprentice.core.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainScheduleTest {

    @Test
    void scaledLinearScheduleIsBitExactWithTorch() throws Exception {
        JsonNode golden;
        try (InputStream in = getClass().getResourceAsStream("/golden/schedulers/ddim.json")) {
            golden = new ObjectMapper().readTree(in);
        }
        TrainSchedule s = TrainSchedule.from(new SchedulerConfig(Map.of(
                "num_train_timesteps", 1000, "beta_start", 0.00085, "beta_end", 0.012,
                "beta_schedule", "scaled_linear")));
        JsonNode betas = golden.get("train_schedule").get("betas");
        JsonNode acp = golden.get("train_schedule").get("alphas_cumprod");
        float[] b = s.betas();
        for (int i = 0; i < 1000; i++) {
            assertEquals((float) betas.get(i).asDouble(), b[i], 0f, "beta " + i);
            assertEquals((float) acp.get(i).asDouble(), s.alphaCumprod(i), 0f, "alphas_cumprod " + i);
        }
    }
}
