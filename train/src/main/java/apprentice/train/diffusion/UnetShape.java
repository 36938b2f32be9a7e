package apprentice.train.diffusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * The size knobs of an emoji UNet: channels per resolution level, residual blocks per level and attention
 * heads. A teacher's shape is chosen when its training starts and recorded in its checkpoint ({@code "unet"}),
 * so resuming, distilling a student from it and exporting it all rebuild the same network. The two flags switch on
 * {@link apprentice.onnx.graph.UnetConfig}'s text time embedding and position map (checkpoints without them: off).
 */
public record UnetShape(int[] channels, int layersPerBlock, int heads, boolean textTimeEmbedding,
                        boolean positionEmbedding) {
    /** The shape of the first shipped family (about 1.0 M parameters); checkpoints without a record have it. */
    public static final UnetShape SMALL = new UnetShape(new int[] {32, 64}, 1, 2);
    private static final String KEY = "unet";

    public UnetShape(int[] channels, int layersPerBlock, int heads) {
        this(channels, layersPerBlock, heads, false, false);
    }

    public UnetShape {
        channels = channels.clone();
        if (channels.length == 0 || layersPerBlock <= 0 || heads <= 0) {
            throw new IllegalArgumentException("UNet shape needs channels, layers and heads: "
                    + Arrays.toString(channels) + ", " + layersPerBlock + ", " + heads);
        }
    }

    @Override
    public int[] channels() {
        return channels.clone();
    }

    /** This shape with the text time embedding and position map switched as given. */
    public UnetShape withConditioning(boolean textTime, boolean position) {
        return new UnetShape(channels, layersPerBlock, heads, textTime, position);
    }

    /** Parses {@code "64,128"} (channels per level) with the given layers and heads. */
    public static UnetShape parse(String channelList, int layersPerBlock, int heads) {
        try {
            int[] ch = Arrays.stream(channelList.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            return new UnetShape(ch, layersPerBlock, heads);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--unet-channels takes comma-separated integers such as 64,128, not '"
                    + channelList + "'");
        }
    }

    /** The shape recorded in a checkpoint's state, or {@link #SMALL} for checkpoints written before shapes were recorded. */
    public static UnetShape of(JsonNode state) {
        JsonNode u = state == null ? null : state.get(KEY);
        if (u == null || u.isNull()) {
            return SMALL;
        }
        int[] ch = new int[u.path("channels").size()];
        for (int i = 0; i < ch.length; i++) {
            ch[i] = u.path("channels").get(i).asInt();
        }
        return new UnetShape(ch, u.path("layersPerBlock").asInt(), u.path("heads").asInt(),
                u.path("textTimeEmbedding").asBoolean(false), u.path("positionEmbedding").asBoolean(false));
    }

    /** Records this shape in a checkpoint state. */
    public void writeTo(ObjectNode state) {
        ObjectNode u = JsonNodeFactory.instance.objectNode();
        Arrays.stream(channels).forEach(u.putArray("channels")::add);
        u.put("layersPerBlock", layersPerBlock);
        u.put("heads", heads);
        u.put("textTimeEmbedding", textTimeEmbedding);
        u.put("positionEmbedding", positionEmbedding);
        state.set(KEY, u);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnetShape s && Arrays.equals(channels, s.channels) && layersPerBlock == s.layersPerBlock
                && heads == s.heads && textTimeEmbedding == s.textTimeEmbedding && positionEmbedding == s.positionEmbedding;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(Arrays.hashCode(channels), layersPerBlock, heads, textTimeEmbedding, positionEmbedding);
    }

    @Override
    public String toString() {
        return Arrays.toString(channels) + " x" + layersPerBlock + ", " + heads + " heads"
                + (textTimeEmbedding ? ", text time embedding" : "") + (positionEmbedding ? ", position map" : "");
    }
}
