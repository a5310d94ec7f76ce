package io.hrnet4j.search;

import java.util.Locale;

/**
 * How long a candidate trains, cumulatively from its start: a number of epochs (full passes over the training
 * samples) or of iterations (minibatches). Written {@code 2e} or {@code 100i}.
 *
 * @param unit epochs or iterations
 * @param amount how many, &gt;= 1
 */
public record TrainingBudget(Unit unit, int amount) {
    /** Budget unit. */
    public enum Unit {
        /** Full passes over the training samples. */
        EPOCHS,
        /** Minibatches. */
        ITERATIONS
    }

    /** @throws IllegalArgumentException if the amount is below 1 */
    public TrainingBudget {
        if (unit == null || amount < 1) {
            throw new IllegalArgumentException("a budget needs a unit and an amount >= 1, got " + amount);
        }
    }

    /**
     * @param text {@code <n>e} (epochs) or {@code <n>i} (iterations), e.g. {@code 2e}, {@code 100i}
     * @return the budget
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static TrainingBudget parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.length() >= 2 && (t.endsWith("e") || t.endsWith("i"))) {
            try {
                int n = Integer.parseInt(t.substring(0, t.length() - 1));
                if (n >= 1) {
                    return new TrainingBudget(t.endsWith("e") ? Unit.EPOCHS : Unit.ITERATIONS, n);
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw new IllegalArgumentException("budget must be <n>e (epochs) or <n>i (iterations) with n >= 1, got '"
                + text + "'");
    }

    /** @param factor multiplier &gt;= 1 @return this budget times the factor (successive-halving rungs) */
    public TrainingBudget times(int factor) {
        return new TrainingBudget(unit, Math.multiplyExact(amount, factor));
    }

    /**
     * @param iterationsPerEpoch minibatches per epoch
     * @return the budget in iterations
     */
    public long iterations(int iterationsPerEpoch) {
        return unit == Unit.ITERATIONS ? amount : (long) amount * iterationsPerEpoch;
    }

    @Override
    public String toString() {
        return amount + (unit == Unit.EPOCHS ? "e" : "i");
    }
}
