package dev.trainwatch.functions.domain;

import java.util.Locale;

/** An enum whose constants travel in JSON and in the database as their lower-case names. */
public interface WireEnum {

  /** The constant's Java name; every enum already has it. */
  String name();

  /** The name used in JSON and in the database. */
  default String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The constant of {@code type} with that wire name, or null when there is none. */
  static <E extends Enum<E> & WireEnum> E fromWireName(Class<E> type, String wireName) {
    for (E constant : type.getEnumConstants()) {
      if (constant.wireName().equals(wireName)) {
        return constant;
      }
    }
    return null;
  }
}
