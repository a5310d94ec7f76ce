package io.hrnet4j.data.iterator;

import io.hrnet4j.data.keypoints.PoseSample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link DataSetIterator} of top-down pose minibatches with asynchronous prefetch over 1..n worker threads.
 *
 * <p>Each {@link DataSet}:
 * <ul>
 *   <li>features {@code [N, 3, H, W]} NCHW, RGB, normalised with mean (0.485, 0.456, 0.406) and std
 *       (0.229, 0.224, 0.225);</li>
 *   <li>labels {@code [N, K, H/4, W/4]} Gaussian heatmaps;</li>
 *   <li>labels mask (unless disabled with {@link Builder#weightsAsLabelsMask}) {@code [N, K, H/4, W/4]}: the target
 *       weight of each joint broadcast over its heatmap, the per-output mask a DL4J {@code CnnLossLayer} accepts
 *       (a {@code [N, K]} mask would be read as per-example there);</li>
 *   <li>example metadata: one {@link PoseRecordMetaData} per example (image id, annotation id, center, scale,
 *       rotation, flip, score, target weights); {@link #targetWeights(DataSet)} gives the weights as {@code [N, K]}.</li>
 * </ul>
 *
 * <p>Order and reproducibility: with shuffling, epoch {@code e} visits a permutation drawn from
 * {@code Random(seed + e)}; each sample's augmentation is seeded from (seed, epoch, sample index)
 * ({@link TopDownSampleProcessor#sampleSeed}), so the batches are identical whatever the number of workers. The last
 * batch may be smaller. Workers are daemon threads; {@link #close()} stops them. A sample whose image cannot be read
 * fails the batch with an {@link UncheckedIOException} whose cause names the image file and the record.
 */
public class PoseDataSetIterator implements DataSetIterator, AutoCloseable {
    private static final long serialVersionUID = 1L;
    private static final AtomicInteger POOL_ID = new AtomicInteger();

    private final List<PoseSample> samples;
    private final transient TopDownSampleProcessor processor;
    private final int batchSize;
    private final int workers;
    private final int prefetchBatches;
    private final boolean shuffle;
    private final boolean weightsAsMask;
    private final long seed;
    private final transient ExecutorService pool;
    private final transient Deque<Future<ProcessedSample>> pending = new ArrayDeque<>();
    private int[] order;
    private int submitted;
    private int consumed;
    private int epoch;
    private DataSetPreProcessor preProcessor;

    private PoseDataSetIterator(Builder b) {
        this.samples = List.copyOf(b.samples);
        this.processor = b.processor;
        this.batchSize = b.batchSize;
        this.workers = b.workers;
        this.prefetchBatches = b.prefetchBatches;
        this.shuffle = b.shuffle;
        this.weightsAsMask = b.weightsAsMask;
        this.seed = b.seed;
        int id = POOL_ID.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "hrnet-data-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        startEpoch(b.epoch);
    }

    /**
     * @param samples the samples
     * @param processor the per-sample pipeline (recipe, train or eval)
     * @return a builder (batch 32, 1 worker, 2 batches prefetched, shuffle when training, seed 0, weights as mask)
     */
    public static Builder builder(List<PoseSample> samples, TopDownSampleProcessor processor) {
        return new Builder(samples, processor);
    }

    /** Builder of {@link PoseDataSetIterator}. */
    public static final class Builder {
        private final List<PoseSample> samples;
        private final TopDownSampleProcessor processor;
        private int batchSize = 32;
        private int workers = 1;
        private int prefetchBatches = 2;
        private boolean shuffle;
        private boolean weightsAsMask = true;
        private long seed;
        private int epoch;

        private Builder(List<PoseSample> samples, TopDownSampleProcessor processor) {
            this.samples = Objects.requireNonNull(samples, "samples");
            this.processor = Objects.requireNonNull(processor, "processor");
            this.shuffle = processor.train();
        }

        /** @param n examples per minibatch (32 per GPU in the recipe), &gt;= 1 @return this */
        public Builder batchSize(int n) {
            this.batchSize = n;
            return this;
        }

        /** @param n worker threads decoding and augmenting, &gt;= 1 @return this */
        public Builder workers(int n) {
            this.workers = n;
            return this;
        }

        /** @param n minibatches prepared ahead, &gt;= 1 @return this */
        public Builder prefetchBatches(int n) {
            this.prefetchBatches = n;
            return this;
        }

        /** @param s shuffle the order each epoch (default: when training) @return this */
        public Builder shuffle(boolean s) {
            this.shuffle = s;
            return this;
        }

        /** @param s seed of the order and of the augmentations @return this */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** @param e first epoch (to resume a run) @return this */
        public Builder epoch(int e) {
            this.epoch = e;
            return this;
        }

        /** @param b put the target weights in the labels mask ({@code [N, K, h, w]}), default true @return this */
        public Builder weightsAsLabelsMask(boolean b) {
            this.weightsAsMask = b;
            return this;
        }

        /**
         * @return the iterator (its worker threads start now)
         * @throws IllegalArgumentException if a count is below 1 or there are no samples
         */
        public PoseDataSetIterator build() {
            if (batchSize < 1 || workers < 1 || prefetchBatches < 1) {
                throw new IllegalArgumentException("batch size, workers and prefetch must be >= 1, got " + batchSize
                        + ", " + workers + ", " + prefetchBatches);
            }
            if (samples.isEmpty()) {
                throw new IllegalArgumentException("no samples");
            }
            return new PoseDataSetIterator(this);
        }
    }

    private void startEpoch(int e) {
        for (Future<ProcessedSample> f : pending) {
            f.cancel(true);
        }
        pending.clear();
        epoch = e;
        order = new int[samples.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            Random r = new Random(seed + e);
            for (int i = order.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        submitted = 0;
        consumed = 0;
        topUp();
    }

    private void topUp() {
        int window = batchSize * prefetchBatches;
        while (submitted < order.length && pending.size() < window) {
            int idx = order[submitted++];
            PoseSample s = samples.get(idx);
            int ep = epoch;
            pending.add(pool.submit(() -> processor.process(s, idx, seed, ep)));
        }
    }

    @Override
    public boolean hasNext() {
        return consumed < order.length;
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " is exhausted (" + order.length + " samples)");
        }
        int n = Math.min(num, order.length - consumed);
        List<ProcessedSample> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            topUp();
            batch.add(take(pending.removeFirst()));
            consumed++;
        }
        topUp();
        DataSet ds = assemble(batch);
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    private static ProcessedSample take(Future<ProcessedSample> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a sample", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw new UncheckedIOException(io.getMessage(), io);
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(c.getMessage(), c);
        }
    }

    private DataSet assemble(List<ProcessedSample> batch) {
        int n = batch.size();
        int w = processor.recipe().inputWidth();
        int h = processor.recipe().inputHeight();
        int hw = processor.recipe().heatmapWidth();
        int hh = processor.recipe().heatmapHeight();
        int k = processor.recipe().schema().numJoints();
        int inLen = 3 * h * w;
        int hmLen = k * hh * hw;
        float[] feat = new float[n * inLen];
        float[] lab = new float[n * hmLen];
        float[] mask = weightsAsMask ? new float[n * hmLen] : null;
        List<PoseRecordMetaData> meta = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ProcessedSample p = batch.get(i);
            System.arraycopy(p.input(), 0, feat, i * inLen, inLen);
            System.arraycopy(p.heatmaps(), 0, lab, i * hmLen, hmLen);
            if (mask != null) {
                for (int j = 0; j < k; j++) {
                    java.util.Arrays.fill(mask, i * hmLen + j * hh * hw, i * hmLen + (j + 1) * hh * hw,
                            p.weights()[j]);
                }
            }
            meta.add(p.meta());
        }
        INDArray f = Nd4j.create(feat, new long[] {n, 3, h, w}, 'c');
        INDArray l = Nd4j.create(lab, new long[] {n, k, hh, hw}, 'c');
        INDArray m = mask == null ? null : Nd4j.create(mask, new long[] {n, k, hh, hw}, 'c');
        DataSet ds = new DataSet(f, l, null, m);
        ds.setExampleMetaData(meta);
        return ds;
    }

    /**
     * The target weights of a minibatch made by this iterator.
     *
     * @param ds a DataSet from {@link #next()}
     * @return {@code [N, K]} float target weights
     * @throws IllegalArgumentException if the DataSet has no {@link PoseRecordMetaData}
     */
    public static INDArray targetWeights(DataSet ds) {
        List<? extends java.io.Serializable> meta = ds.getExampleMetaData();
        if (meta == null || meta.isEmpty() || !(meta.get(0) instanceof PoseRecordMetaData first)) {
            throw new IllegalArgumentException("DataSet has no PoseRecordMetaData example metadata");
        }
        int k = first.targetWeights().length;
        float[] w = new float[meta.size() * k];
        for (int i = 0; i < meta.size(); i++) {
            System.arraycopy(((PoseRecordMetaData) meta.get(i)).targetWeights(), 0, w, i * k, k);
        }
        return Nd4j.create(w, new long[] {meta.size(), k}, 'c');
    }

    /** @return 3 x H x W */
    @Override
    public int inputColumns() {
        return 3 * processor.recipe().inputHeight() * processor.recipe().inputWidth();
    }

    /** @return K, the number of joints (heatmap channels) */
    @Override
    public int totalOutcomes() {
        return processor.recipe().schema().numJoints();
    }

    /** @return true */
    @Override
    public boolean resetSupported() {
        return true;
    }

    /** @return false: this iterator prefetches on its own threads; wrapping it in another would only add copies */
    @Override
    public boolean asyncSupported() {
        return false;
    }

    /** Starts the next epoch: new order (when shuffling) and new augmentations. */
    @Override
    public void reset() {
        startEpoch(epoch + 1);
    }

    /** @return the current epoch */
    public int epoch() {
        return epoch;
    }

    /** @return the number of samples per epoch */
    public int numSamples() {
        return samples.size();
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    /** @return null: no class labels */
    @Override
    public List<String> getLabels() {
        return null;
    }

    /** Stops the worker threads; the iterator cannot be used afterwards. */
    @Override
    public void close() {
        for (Future<ProcessedSample> f : pending) {
            f.cancel(true);
        }
        pending.clear();
        pool.shutdownNow();
    }
}
