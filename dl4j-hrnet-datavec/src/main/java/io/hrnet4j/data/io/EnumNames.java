package io.hrnet4j.data.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one way this project reads and writes the name of an enum constant in options and files: the constant's
 * name in lower case ({@code samediff_folded}, {@code adamw}), read back in any case with surrounding blanks ignored.
 * An unknown name is one line naming what was expected, e.g. {@code unknown optimizer 'rmsprop': expected adam,
 * adamw or sgd}.
 */
public final class EnumNames {
    private EnumNames() {
    }

    /**
     * @param type the enum
     * @param name a constant's name in any case, blanks around it ignored; null is unknown
     * @param what what the value is, for the message (e.g. {@code backend})
     * @param <E> the enum type
     * @return the constant
     * @throws IllegalArgumentException naming the value and every accepted name ({@link #expected(Class)})
     */
    public static <E extends Enum<E>> E parse(Class<E> type, String name, String what) {
        String n = name == null ? "" : name.trim();
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(n)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + name + "': expected " + expected(type));
    }

    /**
     * @param e a constant
     * @return its name in lower case, as written in files and options (e.g. {@code samediff_folded})
     */
    public static String id(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param type the enum
     * @param <E> the enum type
     * @return every constant's {@link #id}, declaration order, as a list in words: {@code graph, samediff or
     *     samediff_folded} ({@code a or b} for two, {@code a} for one)
     */
    public static <E extends Enum<E>> String expected(Class<E> type) {
        List<String> ids = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            ids.add(id(e));
        }
        if (ids.size() < 2) {
            return String.join("", ids);
        }
        return String.join(", ", ids.subList(0, ids.size() - 1)) + " or " + ids.get(ids.size() - 1);
    }
}
