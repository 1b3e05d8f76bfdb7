package dev.trainwatch.functions.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.List;

/** Stores a list of strings (a command line) as a JSON array in a text column. */
@Converter
public class StringListConverter implements AttributeConverter<List<String>, String> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<String>> LIST = new TypeReference<>() {};

  @Override
  public String convertToDatabaseColumn(List<String> list) {
    try {
      return list == null ? null : JSON.writeValueAsString(list);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("a list of strings is always JSON", e);
    }
  }

  @Override
  public List<String> convertToEntityAttribute(String column) {
    try {
      return column == null ? null : JSON.readValue(column, LIST);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("command column is not a JSON array: " + column, e);
    }
  }
}
