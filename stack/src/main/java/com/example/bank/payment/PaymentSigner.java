package com.example.bank.payment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Signs a transfer with a SHA-256 hash chain (key stretching: SHA-256 applied ROUNDS times).
 *
 * <p>Hotspot (OPTIMIZED=false): {@link #signPerCall} calls {@code MessageDigest.getInstance} for
 * every round and hex-encodes with {@code String.format}. Fix (OPTIMIZED=true):
 * {@link #signWithThreadLocalDigest} reuses one digest per thread (cloned from a prototype made
 * once at startup, so no provider lookup per request) and encodes hex from a lookup table.
 */
public final class PaymentSigner {
  /** Key-stretching rounds: SHA-256 applied ROUNDS times to the transfer payload. */
  static final int ROUNDS = 2000;
  private static final String ALGORITHM = "SHA-256";
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** Counts MessageDigest.getInstance calls, so tests can see which path ran. */
  private static final AtomicLong DIGEST_LOOKUPS = new AtomicLong();

  private final boolean optimized;
  private final MessageDigest prototype;
  private final ThreadLocal<MessageDigest> threadDigest;

  public PaymentSigner(boolean optimized) {
    this.optimized = optimized;
    this.prototype = lookupDigest();
    this.threadDigest = ThreadLocal.withInitial(this::clonePrototype);
  }

  /** Returns the hex signature of the payload; both paths give the same result. */
  public String sign(String payload) {
    return optimized ? signWithThreadLocalDigest(payload) : signPerCall(payload);
  }

  /** Slow path: provider lookup every round, String.format hex. */
  String signPerCall(String payload) {
    byte[] value = payload.getBytes(StandardCharsets.UTF_8);
    try {
      for (int round = 0; round < ROUNDS; round++) {
        DIGEST_LOOKUPS.incrementAndGet();
        MessageDigest digest = MessageDigest.getInstance(ALGORITHM);
        value = digest.digest(value);
      }
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return hexWithFormat(value);
  }

  /** Fixed path: one digest per thread, table-driven hex. */
  String signWithThreadLocalDigest(String payload) {
    MessageDigest digest = threadDigest.get();
    byte[] value = payload.getBytes(StandardCharsets.UTF_8);
    for (int round = 0; round < ROUNDS; round++) {
      digest.reset();
      value = digest.digest(value);
    }
    return hexWithLookupTable(value);
  }

  /** Hex via String.format, one call per byte (as commonly copy-pasted). */
  static String hexWithFormat(byte[] bytes) {
    StringBuilder hex = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      hex.append(String.format("%02x", b));
    }
    return hex.toString();
  }
  static String hexWithLookupTable(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
      out[2 * i + 1] = HEX[bytes[i] & 0xF];
    }
    return new String(out);
  }

  private MessageDigest clonePrototype() {
    try {
      return (MessageDigest) prototype.clone();
    } catch (CloneNotSupportedException e) {
      // Not the case for the JDK's SHA-256; fall back to a lookup (once per thread).
      return lookupDigest();
    }
  }

  private static MessageDigest lookupDigest() {
    DIGEST_LOOKUPS.incrementAndGet();
    try {
      return MessageDigest.getInstance(ALGORITHM);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(ALGORITHM + " is required by every JRE", e);
    }
  }

  static long digestLookups() {
    return DIGEST_LOOKUPS.get();
  }
}
