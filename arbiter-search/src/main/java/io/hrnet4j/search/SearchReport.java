package io.hrnet4j.search;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of a {@link PoseSearch}: every candidate's last record, ranked best first.
 *
 * @param ranked the records, best first (failed last)
 * @param score the metric
 * @param out the results folder
 */
public record SearchReport(List<CandidateRecord> ranked, PoseScore score, Path out) {
    /** Copies the list. */
    public SearchReport {
        ranked = List.copyOf(ranked);
    }

    /** @return the best completed record, or null if every candidate failed */
    public CandidateRecord best() {
        return ranked.isEmpty() || !ranked.get(0).completed() ? null : ranked.get(0);
    }

    /**
     * @return the ranked table: rank, id, score, budget, status and the hyper-parameters, one line per candidate
     *     (failed ones with their reason)
     */
    public String table() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-4s %-15s %-10s %-6s %-9s %s%n", "rank",
                "id", score.kind().id(), "budget", "status", "candidate"));
        int rank = 1;
        for (CandidateRecord r : ranked) {
            sb.append(String.format(Locale.ROOT, "%-4d %-15s %-10s %-6s %-9s %s%s%n", rank++, r.id(),
                    score.format(r.result().score()), r.budget(), r.result().status().name().toLowerCase(Locale.ROOT),
                    r.candidate().summary(), r.completed() ? "" : "  (" + r.result().failure() + ")"));
        }
        return sb.toString();
    }
}
