package com.example.bank.agent;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/** Splits a multipart/form-data body into its named parts (enough for the agent's uploads). */
final class MultipartParts {
  private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
  private static final Pattern NAME = Pattern.compile("name=\"([^\"]+)\"");

  private MultipartParts() {}

  static Map<String, byte[]> parse(String contentType, byte[] body) {
    Matcher m = BOUNDARY.matcher(contentType == null ? "" : contentType);
    if (!contentType.startsWith("multipart/form-data") || !m.find()) {
      throw new IllegalArgumentException("not multipart/form-data: " + contentType);
    }
    byte[] delimiter = ("--" + m.group(1)).getBytes(StandardCharsets.ISO_8859_1);
    Map<String, byte[]> parts = new LinkedHashMap<>();
    int start = indexOf(body, delimiter, 0);
    while (start >= 0) {
      int headersStart = start + delimiter.length;
      if (headersStart + 2 <= body.length && body[headersStart] == '-' && body[headersStart + 1] == '-') {
        break; // closing delimiter
      }
      headersStart += 2; // CRLF after the delimiter
      int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
      int next = indexOf(body, delimiter, headersEnd);
      if (headersEnd < 0 || next < 0) {
        throw new IllegalArgumentException("truncated multipart body");
      }
      String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.ISO_8859_1);
      Matcher name = NAME.matcher(headers);
      if (name.find()) {
        parts.put(name.group(1), Arrays.copyOfRange(body, headersEnd + 4, next - 2)); // strip CRLF before delimiter
      }
      start = next;
    }
    return parts;
  }

  static byte[] gunzipIfCompressed(byte[] data) throws IOException {
    if (data.length < 2 || (data[0] & 0xff) != 0x1f || (data[1] & 0xff) != 0x8b) {
      return data;
    }
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
      return in.readAllBytes();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = Math.max(from, 0); i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
