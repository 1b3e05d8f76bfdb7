package dev.trainwatch.functions.rest;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Chooses what {@code GET .../metrics} answers before the resource method is chosen: JSON, unless
 * the request asks for CSV by name, with {@code Accept: text/csv} or {@code ?format=csv} (for a
 * link in a browser or a plain {@code curl}). Without it a client that takes any type ({@code
 * Accept: *}{@code /*}) could be given either. {@code ?format=} of another value is a 400 naming
 * the ones there are. Other requests are left alone.
 */
public class MetricFormatFilter {

  private static final String CSV = "text/csv";
  private static final Map<String, String> FORMATS =
      Map.of("csv", CSV, "json", MediaType.APPLICATION_JSON);

  @ServerRequestFilter(preMatching = true)
  public void chooseFormat(ContainerRequestContext request) {
    if (!HttpMethod.GET.equals(request.getMethod())
        || !request.getUriInfo().getPath().endsWith("/metrics")) {
      return;
    }
    String format = request.getUriInfo().getQueryParameters().getFirst("format");
    String type;
    if (format != null) {
      type = FORMATS.get(format);
      if (type == null) {
        throw ApiException.badRequest("format must be csv or json, not '" + format + "'");
      }
    } else {
      String accept = request.getHeaderString(HttpHeaders.ACCEPT);
      type = accept != null && accept.contains(CSV) ? CSV : MediaType.APPLICATION_JSON;
    }
    request.getHeaders().putSingle(HttpHeaders.ACCEPT, type);
  }
}
