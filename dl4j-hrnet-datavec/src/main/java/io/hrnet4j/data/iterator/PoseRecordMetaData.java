package io.hrnet4j.data.iterator;

import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.datavec.api.records.metadata.RecordMetaData;

/**
 * What is needed to map one sample's predictions back to image pixels and to evaluate them: the image, the ids, the
 * final (augmented) crop center/scale/rotation/flip, the box score and area, and the target weights. Made by
 * {@link TopDownSampleProcessor} and carried as the example metadata of the {@link PoseDataSetIterator}'s DataSets.
 *
 * <p>Center and scale are those of the crop actually fed (after half-body, scale and flip); when {@code flipped}
 * they are in the coordinates of the mirrored image, as the reference's {@code meta}.
 *
 * @param index the sample's index in its dataset list
 * @param imagePath the image file (as a string, for serialisation)
 * @param imageId image id (COCO id; MPII image index)
 * @param annotationId annotation id (COCO) or record index (detections, MPII)
 * @param centerX crop center x, image pixels
 * @param centerY crop center y, image pixels
 * @param scaleW crop scale width (pixels / 200)
 * @param scaleH crop scale height (pixels / 200)
 * @param rotationDeg rotation, degrees
 * @param flipped whether the image was mirrored
 * @param score box score (detector confidence, 1 for ground truth)
 * @param area object area, image pixels²
 * @param imageWidth source image width, pixels
 * @param imageHeight source image height, pixels
 * @param targetWeights {@code [K]} target weights
 */
public record PoseRecordMetaData(int index, String imagePath, long imageId, long annotationId, double centerX,
                                 double centerY, double scaleW, double scaleH, double rotationDeg, boolean flipped,
                                 double score, double area, int imageWidth, int imageHeight, float[] targetWeights)
        implements RecordMetaData {
    private static final long serialVersionUID = 1L;

    /** Copies the weights. */
    public PoseRecordMetaData {
        targetWeights = targetWeights.clone();
    }

    /** @return a copy of the target weights {@code [K]} */
    @Override
    public float[] targetWeights() {
        return targetWeights.clone();
    }

    /** @return the image path and the annotation id */
    @Override
    public String getLocation() {
        return imagePath + "#annotation=" + annotationId;
    }

    /** @return the image file's URI */
    @Override
    public URI getURI() {
        return Paths.get(imagePath).toUri();
    }

    /** @return {@link TopDownSampleProcessor}, which makes the samples this metadata describes */
    @Override
    public Class<?> getReaderClass() {
        return TopDownSampleProcessor.class;
    }

    /** @return the image path */
    public Path path() {
        return Paths.get(imagePath);
    }
}
