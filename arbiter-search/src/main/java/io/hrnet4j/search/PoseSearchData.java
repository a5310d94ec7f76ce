package io.hrnet4j.search;

import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.iterator.PoseDataSetIterator;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.mpii.MpiiAnnotations;
import io.hrnet4j.data.synthetic.SyntheticPoseDataset;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.metrics.CocoGroundTruth;
import io.hrnet4j.metrics.MpiiGroundTruth;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;

/**
 * The data of a pose search: training and validation samples, the top-down recipe at the search's input size, and
 * the validation ground truth for the metric (COCO keypoints for OKS AP, the MPII {@code gt_valid} layout for PCKh).
 * Also Arbiter's {@link DataProvider} for the search (train/test data are fresh {@link PoseDataSetIterator}s).
 *
 * <p>Validation samples are ground-truth boxes, evaluated without augmentation or flip test.
 *
 * @param schema COCO (17 joints) or MPII (16)
 * @param recipe the training recipe (augmentation on) at the input size
 * @param train training samples
 * @param val validation samples
 * @param cocoGt COCO ground truth of the validation samples (OKS AP), or null
 * @param mpiiGt MPII ground truth of the validation samples in sample order (PCKh), or null
 * @param seed seed of the training order and augmentation
 */
public record PoseSearchData(KeypointSchema schema, TopDownRecipe recipe, List<PoseSample> train,
                             List<PoseSample> val, CocoGroundTruth cocoGt, MpiiGroundTruth mpiiGt, long seed)
        implements DataProvider {
    private static final long serialVersionUID = 1L;

    /** @throws IllegalArgumentException if a split is empty or the MPII ground truth does not match */
    public PoseSearchData {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(recipe, "recipe");
        if (train.isEmpty() || val.isEmpty()) {
            throw new IllegalArgumentException("a search needs training and validation samples, got " + train.size()
                    + " and " + val.size());
        }
        if (mpiiGt != null && mpiiGt.size() != val.size()) {
            throw new IllegalArgumentException("the MPII ground truth holds " + mpiiGt.size()
                    + " persons but the validation annotations " + val.size() + ": they must be the same people in"
                    + " the same order");
        }
        train = List.copyOf(train);
        val = List.copyOf(val);
    }

    /**
     * COCO-format data (real COCO or any file in its layout).
     *
     * @param trainAnnotations {@code person_keypoints_*.json} of training
     * @param trainImages its image folder
     * @param valAnnotations validation annotations (may be the training file for smoke tests)
     * @param valImages its image folder
     * @param inputHeight input crop height, pixels
     * @param inputWidth input crop width, pixels
     * @param seed order/augmentation seed
     * @return the data
     * @throws IOException if a file cannot be read; {@code DataFormatException} names file, record and field
     */
    public static PoseSearchData coco(Path trainAnnotations, Path trainImages, Path valAnnotations, Path valImages,
                                      int inputHeight, int inputWidth, long seed) throws IOException {
        TopDownRecipe recipe = TopDownRecipe.coco256x192().withInputSize(inputWidth, inputHeight);
        double ar = recipe.aspectRatio();
        return new PoseSearchData(KeypointSchema.COCO, recipe,
                CocoKeypoints.groundTruth(trainAnnotations, trainImages, ar).samples(),
                CocoKeypoints.groundTruth(valAnnotations, valImages, ar).samples(),
                CocoGroundTruth.read(valAnnotations), null, seed);
    }

    /**
     * The embedded synthetic COCO-format dataset: its train split for training, its val split for validation.
     *
     * @param ds the generated dataset
     * @param inputHeight input height, pixels
     * @param inputWidth input width, pixels
     * @param seed order/augmentation seed
     * @return the data
     * @throws IOException if a file cannot be read
     */
    public static PoseSearchData synthetic(SyntheticPoseDataset ds, int inputHeight, int inputWidth, long seed)
            throws IOException {
        return coco(ds.train().annotationFile(), ds.train().imageDir(), ds.val().annotationFile(),
                ds.val().imageDir(), inputHeight, inputWidth, seed);
    }

    /**
     * MPII data in the official JSON layout, scored by PCKh against {@code gt_valid.mat} (or its JSON form).
     *
     * @param trainAnnotations training JSON
     * @param trainImages its image folder
     * @param valAnnotations validation JSON
     * @param valImages its image folder
     * @param gt ground truth of the validation people in the same order, or null to score by validation loss only
     * @param inputHeight input height, pixels
     * @param inputWidth input width, pixels
     * @param seed order/augmentation seed
     * @return the data
     * @throws IOException if a file cannot be read
     */
    public static PoseSearchData mpii(Path trainAnnotations, Path trainImages, Path valAnnotations, Path valImages,
                                      Path gt, int inputHeight, int inputWidth, long seed) throws IOException {
        TopDownRecipe recipe = TopDownRecipe.mpii256x256().withInputSize(inputWidth, inputHeight);
        return new PoseSearchData(KeypointSchema.MPII, recipe,
                MpiiAnnotations.load(trainAnnotations, trainImages).samples(),
                MpiiAnnotations.load(valAnnotations, valImages).samples(), null,
                gt == null ? null : MpiiGroundTruth.read(gt), seed);
    }

    /**
     * @param batchSize minibatch size
     * @param epoch first epoch (the order and augmentation of epoch e are drawn from (seed, e))
     * @return a shuffling, augmenting training iterator ({@code [N, 3, H, W]} features, {@code [N, K, H/4, W/4]}
     *     labels and target-weight mask); close it after use
     */
    public PoseDataSetIterator trainIterator(int batchSize, int epoch) {
        return PoseDataSetIterator.builder(train, new TopDownSampleProcessor(recipe, true)).batchSize(batchSize)
                .seed(seed).epoch(epoch).build();
    }

    /**
     * @param batchSize minibatch size
     * @return a validation iterator in sample order, without augmentation; close it after use
     */
    public PoseDataSetIterator valIterator(int batchSize) {
        return PoseDataSetIterator.builder(val, new TopDownSampleProcessor(recipe.withoutAugmentation(), false))
                .batchSize(batchSize).shuffle(false).build();
    }

    /** @return iterations (minibatches) per training epoch at this batch size */
    public int iterationsPerEpoch(int batchSize) {
        return (train.size() + batchSize - 1) / batchSize;
    }

    /** Arbiter data provider: a training iterator of batch 32 (or {@code batchSize} in the parameters). */
    @Override
    public Object trainData(Map<String, Object> dataParameters) {
        return trainIterator(batch(dataParameters), 0);
    }

    /** Arbiter data provider: a validation iterator. */
    @Override
    public Object testData(Map<String, Object> dataParameters) {
        return valIterator(batch(dataParameters));
    }

    @Override
    public Class<?> getDataType() {
        return PoseDataSetIterator.class;
    }

    private static int batch(Map<String, Object> p) {
        Object b = p == null ? null : p.get("batchSize");
        return b instanceof Number n ? n.intValue() : 32;
    }
}
