package io.hrnet4j.zoo.weights;

/**
 * The datasets published pose weights were trained on, for {@code HRNet.initPretrained(PosePretrainedType)}. DL4J's
 * own {@link org.deeplearning4j.zoo.PretrainedType} (1.0.0-M2.1: {@code IMAGENET}, {@code IMAGENETLARGE},
 * {@code MNIST}, {@code CIFAR10}, {@code VGGFACE}, {@code SEGMENT}) is a closed enum without pose datasets, so the
 * zoo methods ({@code pretrainedUrl}, {@code pretrainedChecksum}, {@code pretrainedAvailable}, {@code initPretrained})
 * are overloaded with this type.
 */
public enum PosePretrainedType {
    /** COCO train2017 person keypoints, 17 joints. */
    COCO,
    /** MPII Human Pose train split, 16 joints. */
    MPII
}
