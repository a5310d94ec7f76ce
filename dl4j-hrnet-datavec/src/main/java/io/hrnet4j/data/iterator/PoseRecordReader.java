package io.hrnet4j.data.iterator;

import io.hrnet4j.data.keypoints.PoseSample;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.datavec.api.conf.Configuration;
import org.datavec.api.records.Record;
import org.datavec.api.records.metadata.RecordMetaData;
import org.datavec.api.records.reader.BaseRecordReader;
import org.datavec.api.split.InputSplit;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.api.writable.Writable;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A DataVec {@link org.datavec.api.records.reader.RecordReader} of top-down pose samples (COCO or MPII, loaded by
 * {@link io.hrnet4j.data.coco.CocoKeypoints} or {@link io.hrnet4j.data.mpii.MpiiAnnotations}). Each record has three
 * {@link NDArrayWritable} columns, each with a leading example dimension of 1 as DataVec's image readers do:
 * <ol start="0">
 *   <li>the input {@code [1, 3, H, W]}, RGB, normalised with mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225);</li>
 *   <li>the target heatmaps {@code [1, K, H/4, W/4]};</li>
 *   <li>the target weights {@code [1, K]}.</li>
 * </ol>
 * {@link #nextRecord()} adds a {@link PoseRecordMetaData} (image id, center, scale, rotation, flip, annotation id,
 * score). With {@code RecordReaderMultiDataSetIterator}: {@code addReader("pose", reader).addInput("pose", 0, 0)
 * .addOutput("pose", 1, 1).addOutput("pose", 2, 2)}.
 *
 * <p>Records come in list order. In training mode each epoch ({@link #reset()}) draws new augmentations, seeded from
 * (seed, epoch, sample index) so they are reproducible. The samples are given to the constructor;
 * {@link #initialize(InputSplit)} only rewinds. Bad images raise an {@link UncheckedIOException} whose cause is a
 * {@link io.hrnet4j.data.io.DataFormatException} naming the image file and the record. Not thread-safe; for parallel
 * decoding use {@link PoseDataSetIterator}.
 */
public class PoseRecordReader extends BaseRecordReader {
    private static final long serialVersionUID = 1L;

    private final List<PoseSample> samples;
    private final transient TopDownSampleProcessor processor;
    private final long seed;
    private int cursor;
    private int epoch;
    private Configuration conf;

    /**
     * @param samples the samples, in order
     * @param processor recipe and train/eval mode
     * @param seed the seed of the augmentations
     */
    public PoseRecordReader(List<PoseSample> samples, TopDownSampleProcessor processor, long seed) {
        this.samples = List.copyOf(samples);
        this.processor = Objects.requireNonNull(processor, "processor");
        this.seed = seed;
    }

    @Override
    public void initialize(InputSplit split) {
        cursor = 0;
    }

    @Override
    public void initialize(Configuration conf, InputSplit split) {
        this.conf = conf;
        initialize(split);
    }

    @Override
    public boolean hasNext() {
        return cursor < samples.size();
    }

    @Override
    public List<Writable> next() {
        return nextRecord().getRecord();
    }

    @Override
    public Record nextRecord() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more records (" + samples.size() + " samples)");
        }
        int i = cursor++;
        Record r = load(i);
        invokeListeners(r);
        return r;
    }

    private Record load(int i) {
        ProcessedSample p;
        try {
            p = processor.process(samples.get(i), i, seed, epoch);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        return new org.datavec.api.records.impl.Record(toWritables(p, processor), p.meta());
    }

    static List<Writable> toWritables(ProcessedSample p, TopDownSampleProcessor processor) {
        int w = processor.recipe().inputWidth();
        int h = processor.recipe().inputHeight();
        int k = p.weights().length;
        List<Writable> out = new ArrayList<>(3);
        out.add(new NDArrayWritable(Nd4j.create(p.input(), new long[] {1, 3, h, w}, 'c')));
        out.add(new NDArrayWritable(Nd4j.create(p.heatmaps(), new long[] {1, k, processor.recipe().heatmapHeight(),
                processor.recipe().heatmapWidth()}, 'c')));
        out.add(new NDArrayWritable(Nd4j.create(p.weights(), new long[] {1, k}, 'c')));
        return out;
    }

    /** @return null: pose records have no class labels */
    @Override
    public List<String> getLabels() {
        return null;
    }

    /** Rewinds to the first sample and starts the next epoch (new augmentations in training mode). */
    @Override
    public void reset() {
        cursor = 0;
        epoch++;
    }

    /** @return true */
    @Override
    public boolean resetSupported() {
        return true;
    }

    /** @return the current epoch (0 before the first {@link #reset()}) */
    public int epoch() {
        return epoch;
    }

    /**
     * @param e the epoch whose augmentations the next records use (to resume a run)
     */
    public void setEpoch(int e) {
        this.epoch = e;
    }

    /** @return the number of samples */
    public int size() {
        return samples.size();
    }

    /**
     * Not supported: samples come from an annotation file, not from a stream.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public List<Writable> record(URI uri, DataInputStream dataInputStream) {
        throw new UnsupportedOperationException("PoseRecordReader reads samples from annotation files, not streams");
    }

    /**
     * Reloads the record of a metadata entry (same sample index, current epoch's augmentation).
     *
     * @param recordMetaData a {@link PoseRecordMetaData}
     * @return the record
     * @throws IllegalArgumentException if the metadata is of another reader or its index is out of range
     */
    @Override
    public Record loadFromMetaData(RecordMetaData recordMetaData) throws IOException {
        if (!(recordMetaData instanceof PoseRecordMetaData m) || m.index() < 0 || m.index() >= samples.size()) {
            throw new IllegalArgumentException("not a PoseRecordMetaData of this reader: " + recordMetaData);
        }
        ProcessedSample p = processor.process(samples.get(m.index()), m.index(), seed, epoch);
        return new org.datavec.api.records.impl.Record(toWritables(p, processor), p.meta());
    }

    @Override
    public List<Record> loadFromMetaData(List<RecordMetaData> recordMetaDatas) throws IOException {
        List<Record> out = new ArrayList<>(recordMetaDatas.size());
        for (RecordMetaData m : recordMetaDatas) {
            out.add(loadFromMetaData(m));
        }
        return out;
    }

    @Override
    public void close() {
        cursor = samples.size();
    }

    @Override
    public void setConf(Configuration conf) {
        this.conf = conf;
    }

    @Override
    public Configuration getConf() {
        return conf;
    }
}
