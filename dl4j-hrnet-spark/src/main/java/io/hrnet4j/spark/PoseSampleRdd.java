package io.hrnet4j.spark;

import io.hrnet4j.data.iterator.ProcessedSample;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.transform.TopDownRecipe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * The training samples of one epoch as a Spark RDD of single-example {@link DataSet}s, made on the executors by the
 * same {@link TopDownSampleProcessor} as the local {@code PoseDataSetIterator}: each partition decodes its images
 * from the shared file system, and sample {@code i} of epoch {@code e} is augmented with the generator seeded by
 * {@code TopDownSampleProcessor.sampleSeed(seed, e, i)}, so every executor produces exactly the crop, heatmaps and
 * target weights that local training produces for that sample and epoch, whatever the partitioning.
 *
 * <p>Each DataSet: features {@code [1, 3, H, W]} (NCHW, RGB, ImageNet-normalised), labels {@code [1, K, H/4, W/4]}
 * Gaussian heatmaps, labels mask {@code [1, K, H/4, W/4]} = the target weights broadcast over each heatmap (the
 * mask {@code JointsMSELoss} reads). The training masters merge them into minibatches of {@code batchSizePerWorker}.
 */
public final class PoseSampleRdd {
    private PoseSampleRdd() {
    }

    /**
     * @param sc the Spark context
     * @param samples the dataset's samples (index = position in this list)
     * @param recipe sizes and augmentations
     * @param train apply the random augmentations
     * @param seed the run's data seed
     * @param epoch the epoch
     * @param partitions number of partitions (&gt;= 1)
     * @return the epoch's DataSets (lazy; an unreadable image fails the Spark task with an
     *         {@link UncheckedIOException} naming the image file and the record)
     */
    public static JavaRDD<DataSet> epoch(JavaSparkContext sc, List<PoseSample> samples, TopDownRecipe recipe,
                                         boolean train, long seed, int epoch, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        List<Tuple2<Integer, SampleRef>> refs = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            refs.add(new Tuple2<>(i, SampleRef.of(samples.get(i))));
        }
        return sc.parallelize(refs, partitions).mapPartitions(
                new ProcessPartition(RecipeSpec.of(recipe), train, seed, epoch));
    }

    /**
     * @param p a processed sample
     * @param recipe its recipe (sizes)
     * @return the single-example DataSet described in the class comment
     */
    public static DataSet toDataSet(ProcessedSample p, TopDownRecipe recipe) {
        int k = recipe.schema().numJoints();
        int hh = recipe.heatmapHeight();
        int hw = recipe.heatmapWidth();
        float[] mask = new float[k * hh * hw];
        for (int j = 0; j < k; j++) {
            java.util.Arrays.fill(mask, j * hh * hw, (j + 1) * hh * hw, p.weights()[j]);
        }
        return new DataSet(
                Nd4j.create(p.input(), new long[] {1, 3, recipe.inputHeight(), recipe.inputWidth()}, 'c'),
                Nd4j.create(p.heatmaps(), new long[] {1, k, hh, hw}, 'c'), null,
                Nd4j.create(mask, new long[] {1, k, hh, hw}, 'c'));
    }

    /**
     * Runs the per-sample pipeline over one partition.
     *
     * @param spec the recipe, in its serialisable form
     * @param train apply the random augmentations
     * @param seed the run's data seed
     * @param epoch the epoch
     */
    record ProcessPartition(RecipeSpec spec, boolean train, long seed, int epoch)
            implements FlatMapFunction<Iterator<Tuple2<Integer, SampleRef>>, DataSet> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<DataSet> call(Iterator<Tuple2<Integer, SampleRef>> it) {
            TopDownRecipe recipe = spec.toRecipe();
            TopDownSampleProcessor processor = new TopDownSampleProcessor(recipe, train);
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public DataSet next() {
                    Tuple2<Integer, SampleRef> t = it.next();
                    try {
                        return toDataSet(processor.process(t._2().toPoseSample(), t._1(), seed, epoch), recipe);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e.getMessage(), e);
                    }
                }
            };
        }
    }
}
