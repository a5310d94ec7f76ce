package io.hrnet4j.search;

import io.hrnet4j.data.io.EnumNames;

/**
 * The optimizers a pose search chooses among, as the official {@code lib/core/function.py get_optimizer}
 * ({@code TRAIN.OPTIMIZER}: {@code adam} or {@code sgd}) plus AdamW.
 *
 * <ul>
 *   <li>{@link #ADAM}: DL4J {@code Adam} (beta1 0.9, beta2 0.999, eps 1e-8), no weight decay, as the official
 *       Adam recipe ({@code optim.Adam(params, lr=LR)}).</li>
 *   <li>{@link #ADAMW}: DL4J {@code Adam} plus decoupled weight decay {@code WeightDecay(wd, applyLR=true)}
 *       (Loshchilov and Hutter, ICLR 2019: {@code w -= lr * wd * w} after the Adam step); ND4J 1.0.0-M2.1 has no
 *       AdamW updater, this is its equivalent.</li>
 *   <li>{@link #SGD}: DL4J {@code Nesterovs} (momentum, Nesterov form: DL4J has no plain-momentum SGD) with coupled
 *       L2 weight decay ({@code L2Regularization(wd)}, as PyTorch's {@code SGD(weight_decay=wd)}).</li>
 * </ul>
 */
public enum Optimizer {
    /** Adam. */
    ADAM,
    /** Adam with decoupled weight decay. */
    ADAMW,
    /** SGD with (Nesterov) momentum and L2 weight decay. */
    SGD;

    /**
     * @return the lower-case name used in files ({@code adam}, {@code adamw}, {@code sgd}), read back (in any case)
     *     by {@link EnumNames#parse}
     */
    public String id() {
        return EnumNames.id(this);
    }
}
