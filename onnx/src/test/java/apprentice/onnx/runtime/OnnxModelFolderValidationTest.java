package apprentice.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folder layout checks that need no model: each broken folder gives one message naming what is missing. */
class OnnxModelFolderValidationTest {
    @TempDir
    Path tmp;

    private static void touch(Path f, String text) throws IOException {
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    private Path completeLayout() throws IOException {
        Path dir = tmp.resolve("model");
        touch(dir.resolve("model_index.json"), "{\"_class_name\": \"OnnxStableDiffusionPipeline\"}");
        touch(dir.resolve("scheduler/scheduler_config.json"), "{}");
        touch(dir.resolve("tokenizer/vocab.json"), "{}");
        touch(dir.resolve("tokenizer/merges.txt"), "#version: 0.2\n");
        for (String c : new String[] {"text_encoder", "unet", "vae_decoder"}) {
            touch(dir.resolve(c + "/model.onnx"), "");
        }
        return dir;
    }

    @Test
    void missingModelIndexSaysHowToExport() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxModelFolder.validate(tmp));
        assertTrue(e.getMessage().contains("is not a diffusers ONNX model folder: missing model_index.json"), e.getMessage());
        assertTrue(e.getMessage().contains("optimum-cli export onnx"), e.getMessage());
    }

    @Test
    void parentOfAModelFolderPointsToIt() throws IOException {
        completeLayout();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxModelFolder.validate(tmp));
        assertTrue(e.getMessage().contains("did you mean " + tmp.resolve("model")), e.getMessage());
    }

    @Test
    void notADirectory() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxModelFolder.validate(tmp.resolve("nope")));
        assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
    }

    @Test
    void everyMissingPartIsListedOnce() throws IOException {
        Path dir = completeLayout();
        Files.delete(dir.resolve("unet/model.onnx"));
        Files.delete(dir.resolve("tokenizer/merges.txt"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxModelFolder.validate(dir));
        assertTrue(e.getMessage().contains("missing tokenizer/merges.txt, unet/model.onnx;"), e.getMessage());
    }

    @Test
    void completeLayoutPasses() throws IOException {
        OnnxModelFolder.validate(completeLayout());
    }

    @Test
    void missingExternalDataIsNamed() throws IOException {
        Path dir = completeLayout();
        OnnxMl.TensorProto weight = OnnxMl.TensorProto.newBuilder().setName("w").addDims(4)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue("model.onnx_data"))
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("offset").setValue("0"))
                .build();
        OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .setGraph(OnnxMl.GraphProto.newBuilder().setName("g").addInitializer(weight)).build();
        Files.write(dir.resolve("unet/model.onnx"), model.toByteArray());
        assertEquals(Set.of("model.onnx_data"), ExternalDataCheck.missingFiles(dir.resolve("unet/model.onnx")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxModelFolder.validate(dir));
        assertTrue(e.getMessage().contains("missing unet/model.onnx_data (external data of unet/model.onnx)"), e.getMessage());

        Files.write(dir.resolve("unet/model.onnx_data"), new byte[16]);
        OnnxModelFolder.validate(dir);
    }
}
