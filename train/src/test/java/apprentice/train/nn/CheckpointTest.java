package apprentice.train.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path tmp;

    /** A two-tensor model trained on loss = Σ (w·x)² with fixed inputs: no convolutions, fully deterministic. */
    private record Run(ParamStore ps, Adam adam, Ema ema) {
        static Run create(NDManager m, long seed) {
            ParamStore ps = new ParamStore(m, seed);
            ps.normal("w", new Shape(3, 4), 0.5);
            ps.uniform("b", new Shape(3), 0.1);
            return new Run(ps, new Adam(ps, 0.9f, 0.999f, 0.01f, 1f), new Ema(ps));
        }

        void step(NDManager m, long step) {
            try (NDManager sub = m.newSubManager()) {
                NDArray x = sub.create(new float[] {1f, -2f, 0.5f, step}, new Shape(4, 1));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = ps.get("w").matMul(x).reshape(3).add(ps.get("b"));
                    gc.backward(y.square().sum());
                }
                adam.step(Progress.cosineLr(0.05f, step, 2, 10), sub);
                ema.update(Math.min(0.9f, (1f + step) / (10f + step)));
            }
        }

        ObjectNode state(long step) {
            ObjectNode st = Checkpoint.newState();
            st.put("step", step);
            st.put("adamSteps", adam.steps());
            return st;
        }
    }

    private static void assertSameTensors(Map<String, NDArray> a, Map<String, NDArray> b) {
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, v) -> assertArrayEquals(v.toFloatArray(), b.get(k).toFloatArray(), 0f, k));
    }

    @Test
    void parametersMomentsEmaAndStepRoundTripExactly() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Run trained = Run.create(m, 1);
            for (long s = 0; s < 3; s++) {
                trained.step(m, s);
            }
            Checkpoint.save(tmp, Checkpoint.collect(trained.ps(), trained.adam(), trained.ema()), trained.state(3));
            assertTrue(Files.exists(tmp.resolve(Checkpoint.BIN)));
            assertFalse(Files.exists(tmp.resolve(Checkpoint.BIN + ".tmp")), "written by rename");

            Run restored = Run.create(m, 99);
            Checkpoint.Loaded c = Checkpoint.load(tmp);
            assertEquals(3, c.step());
            Checkpoint.restore(c, restored.ps(), restored.adam(), restored.ema());
            assertEquals(trained.adam().steps(), restored.adam().steps());
            assertSameTensors(trained.ps().all(), restored.ps().all());
            assertSameTensors(trained.adam().state(), restored.adam().state());
            assertSameTensors(trained.ema().tensors(), restored.ema().tensors());
            assertTrue(trained.adam().state().values().stream().anyMatch(v -> v.abs().sum().getFloat() > 0), "moments are not trivially zero");

            // the next updates match too: bias correction continues from the restored step count
            for (long s = 3; s < 6; s++) {
                trained.step(m, s);
                restored.step(m, s);
            }
            assertSameTensors(trained.ps().all(), restored.ps().all());
            assertSameTensors(trained.ema().tensors(), restored.ema().tensors());
        }
    }

    @Test
    void threePlusThreeStepsWithASaveBetweenEqualSixUninterruptedSteps() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Run whole = Run.create(m, 1);
            for (long s = 0; s < 6; s++) {
                whole.step(m, s);
            }
            Run first = Run.create(m, 1);
            for (long s = 0; s < 3; s++) {
                first.step(m, s);
            }
            Checkpoint.save(tmp, Checkpoint.collect(first.ps(), first.adam(), first.ema()), first.state(3));
            Run second = Run.create(m, 5);
            Checkpoint.Loaded c = Checkpoint.load(tmp);
            Checkpoint.restore(c, second.ps(), second.adam(), second.ema());
            for (long s = c.step(); s < 6; s++) {
                second.step(m, s);
            }
            assertSameTensors(whole.ps().all(), second.ps().all());
            assertSameTensors(whole.adam().state(), second.adam().state());
            assertSameTensors(whole.ema().tensors(), second.ema().tensors());
        }
    }

    @Test
    void aCheckpointOfAnotherModelIsRefusedWithAMessage() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Run run = Run.create(m, 1);
            Checkpoint.save(tmp, Checkpoint.collect(run.ps(), null, null), run.state(0));
            ParamStore other = new ParamStore(m, 1);
            other.normal("conv.weight", new Shape(2), 1);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Checkpoint.restore(Checkpoint.load(tmp), other, null, null));
            assertTrue(e.getMessage().contains("conv.weight") && e.getMessage().contains("delete the stage folder"), e.getMessage());
        }
    }

    @Test
    void aWarmStartCopiesMatchingEmaWeightsAndReportsTheNewOnes() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Run trained = Run.create(m, 1);
            trained.step(m, 0);
            trained.ema().update(0.5f);
            Checkpoint.save(tmp, Checkpoint.collect(trained.ps(), trained.adam(), trained.ema()), trained.state(1));
            ParamStore grown = new ParamStore(m, 2);
            grown.normal("w", new Shape(3, 4), 0.5);
            grown.uniform("b", new Shape(3), 0.1);
            grown.constant("extra", new Shape(2), 0f);
            assertEquals(java.util.List.of("extra"), Checkpoint.loadMatching(Checkpoint.require(tmp), tmp, grown));
            assertArrayEquals(trained.ema().tensors().get("w").toFloatArray(), grown.values("w"));
            assertFalse(java.util.Arrays.equals(trained.ps().values("w"), grown.values("w")), "EMA, not the raw weights");
            assertArrayEquals(new float[2], grown.values("extra"));

            ParamStore wrong = new ParamStore(m, 3);
            wrong.normal("w", new Shape(4, 4), 0.5);
            IOException e = assertThrows(IOException.class, () -> Checkpoint.loadMatching(Checkpoint.require(tmp), tmp, wrong));
            assertTrue(e.getMessage().contains("'w'"), e.getMessage());
        }
    }
}
