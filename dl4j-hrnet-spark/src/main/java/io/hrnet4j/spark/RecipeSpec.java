package io.hrnet4j.spark;

import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.transform.TopDownRecipe;
import java.io.Serializable;

/**
 * A {@link TopDownRecipe} in a form Spark can ship to executors: the same components, the schema by name.
 *
 * @param schema "coco" or "mpii"
 * @param inputWidth crop width, pixels
 * @param inputHeight crop height, pixels
 * @param heatmapWidth heatmap width, cells
 * @param heatmapHeight heatmap height, cells
 * @param sigma Gaussian sigma, heatmap cells
 * @param halfBodyProbability half-body probability
 * @param halfBodyMinJoints visible joints needed for half-body
 * @param halfBodyScale half-body scale multiplier
 * @param scaleFactor sf
 * @param rotationFactor rf, degrees
 * @param rotationProbability rotation probability
 * @param flipProbability flip probability
 */
public record RecipeSpec(String schema, int inputWidth, int inputHeight, int heatmapWidth, int heatmapHeight,
                         double sigma, double halfBodyProbability, int halfBodyMinJoints, double halfBodyScale,
                         double scaleFactor, double rotationFactor, double rotationProbability,
                         double flipProbability) implements Serializable {

    /**
     * @param r a recipe
     * @return its serializable form
     * @throws IllegalArgumentException for a schema other than COCO or MPII
     */
    public static RecipeSpec of(TopDownRecipe r) {
        String name;
        if (r.schema() == KeypointSchema.COCO) {
            name = "coco";
        } else if (r.schema() == KeypointSchema.MPII) {
            name = "mpii";
        } else {
            throw new IllegalArgumentException("only the COCO and MPII keypoint schemas can be shipped, got "
                    + r.schema());
        }
        return new RecipeSpec(name, r.inputWidth(), r.inputHeight(), r.heatmapWidth(), r.heatmapHeight(), r.sigma(),
                r.halfBodyProbability(), r.halfBodyMinJoints(), r.halfBodyScale(), r.scaleFactor(),
                r.rotationFactor(), r.rotationProbability(), r.flipProbability());
    }

    /** @return the recipe */
    public TopDownRecipe toRecipe() {
        KeypointSchema s = switch (schema) {
            case "coco" -> KeypointSchema.COCO;
            case "mpii" -> KeypointSchema.MPII;
            default -> throw new IllegalArgumentException("unknown keypoint schema '" + schema + "'");
        };
        return new TopDownRecipe(s, inputWidth, inputHeight, heatmapWidth, heatmapHeight, sigma, halfBodyProbability,
                halfBodyMinJoints, halfBodyScale, scaleFactor, rotationFactor, rotationProbability, flipProbability);
    }
}
