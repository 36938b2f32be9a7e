package apprentice.train.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.onnx.graph.UnetConfig;
import apprentice.train.nn.Checkpoint;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class UnetShapeTest {
    @Test
    void aShapeRecordedInACheckpointStateReadsBackEqual() throws Exception {
        UnetShape wide = UnetShape.parse("64, 128", 2, 4);
        ObjectNode state = Checkpoint.newState();
        state.put("step", 7);
        wide.writeTo(state);
        // through text, as checkpoint.json is
        ObjectNode reread = (ObjectNode) new ObjectMapper().readTree(state.toString());
        UnetShape back = UnetShape.of(reread);
        assertEquals(wide, back);
        assertArrayEquals(new int[] {64, 128}, back.channels());
        assertEquals(2, back.layersPerBlock());
        assertEquals(4, back.heads());
        assertNotEquals(UnetShape.SMALL, back);
    }

    @Test
    void checkpointsWrittenBeforeShapesWereRecordedAreTheFirstFamilysSmallUnet() {
        ObjectNode old = Checkpoint.newState();
        old.put("step", 10000);
        assertEquals(UnetShape.SMALL, UnetShape.of(old));
        assertArrayEquals(new int[] {32, 64}, UnetShape.SMALL.channels());
    }

    @Test
    void theConfigsCarryTheShapeAndTheStudentAddsOnlyTheGuidanceEmbedding() {
        UnetShape wide = UnetShape.parse("64,128", 1, 4);
        UnetConfig teacher = UnetConfigs.teacher(64, wide);
        UnetConfig student = UnetConfigs.student(64, wide);
        assertArrayEquals(new int[] {64, 128}, teacher.blockChannels());
        assertEquals(4, teacher.heads());
        assertEquals(0, teacher.timestepCondDim());
        assertEquals(UnetConfigs.GUIDANCE_EMBED_DIM, student.timestepCondDim());
        assertArrayEquals(teacher.blockChannels(), student.blockChannels());
        assertEquals(teacher.layersPerBlock(), student.layersPerBlock());
    }

    @Test
    void aBadChannelListNamesTheOptionAndAnExample() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnetShape.parse("64;128", 1, 4));
        assertTrue(e.getMessage().contains("--unet-channels") && e.getMessage().contains("64,128"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UnetShape.parse("64,128", 0, 4));
    }

    @Test
    void conditioningFlagsRoundTripThroughACheckpointAndOldStatesHaveThemOff() {
        UnetShape with = UnetShape.parse("64,128", 1, 4).withConditioning(true, true);
        com.fasterxml.jackson.databind.node.ObjectNode st = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        with.writeTo(st);
        assertEquals(with, UnetShape.of(st));
        assertTrue(UnetConfigs.teacher(64, with).textTimeEmbedding());
        assertTrue(UnetConfigs.student(64, with).positionEmbedding());
        ((com.fasterxml.jackson.databind.node.ObjectNode) st.get("unet")).remove("textTimeEmbedding");
        ((com.fasterxml.jackson.databind.node.ObjectNode) st.get("unet")).remove("positionEmbedding");
        UnetShape old = UnetShape.of(st);
        assertEquals(UnetShape.parse("64,128", 1, 4), old);
        assertFalse(old.textTimeEmbedding() || old.positionEmbedding());
    }
}
