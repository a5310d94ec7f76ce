package io.hrnet4j.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Field mutations of a JSON / YAML tree for the fuzz suites: one random field replaced, removed or duplicated. */
public final class JsonMutations {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Replacement values: wrong types, empty, negative, zero, huge, non-finite, deeply nested. */
    public static final List<JsonNode> VALUES = List.of(
            F.nullNode(), F.textNode(""), F.textNode("x"), F.textNode("-4"), F.numberNode(-1), F.numberNode(0),
            F.numberNode(1), F.numberNode(2.5), F.numberNode(1_000_000), F.numberNode(Integer.MAX_VALUE),
            F.numberNode(1e308), F.numberNode(-1e308), F.numberNode(Double.NaN),
            F.numberNode(Double.POSITIVE_INFINITY), F.numberNode(new BigInteger("99999999999999999999999")),
            F.objectNode(), F.arrayNode(), F.arrayNode().add(100000).add(100000), F.booleanNode(true),
            F.arrayNode().add(F.arrayNode().add(F.arrayNode().add(F.objectNode()))));

    private JsonMutations() {
    }

    /**
     * Mutates one random container of the tree (to depth 6) in place: an object field is removed (1 in 5) or set to
     * one of {@link #VALUES}; an array element is removed, duplicated or replaced.
     *
     * @param root the tree (modified)
     * @param rnd the seeded random source
     */
    public static void mutate(JsonNode root, Random rnd) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers, 0);
        if (containers.isEmpty()) {
            return;
        }
        JsonNode parent = containers.get(rnd.nextInt(containers.size()));
        JsonNode value = VALUES.get(rnd.nextInt(VALUES.size())).deepCopy();
        if (parent instanceof ObjectNode o) {
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            String key = keys.get(rnd.nextInt(keys.size()));
            if (rnd.nextInt(5) == 0) {
                o.remove(key);
            } else {
                o.set(key, value);
            }
        } else if (parent instanceof ArrayNode a) {
            int i = rnd.nextInt(a.size());
            switch (rnd.nextInt(4)) {
                case 0 -> a.remove(i);
                case 1 -> a.add(a.get(i).deepCopy());
                default -> a.set(i, value);
            }
        }
    }

    private static void collect(JsonNode n, List<JsonNode> out, int depth) {
        if (n != null && n.isContainerNode() && n.size() > 0 && depth < 6) {
            out.add(n);
            n.forEach(c -> collect(c, out, depth + 1));
        }
    }
}
