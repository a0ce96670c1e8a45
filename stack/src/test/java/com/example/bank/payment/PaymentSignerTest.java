package com.example.bank.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.bank.support.Workloads;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PaymentSignerTest {

  @Test
  void signatureIsTheSha256HashChainInBothModes() throws Exception {
    byte[] hash = "A1|B2|12.50".getBytes(StandardCharsets.UTF_8);
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    for (int i = 0; i < PaymentSigner.ROUNDS; i++) {
      hash = sha256.digest(hash);
    }
    String expected = HexFormat.of().formatHex(hash);
    assertEquals(expected, new PaymentSigner(false).sign("A1|B2|12.50"));
    assertEquals(expected, new PaymentSigner(true).sign("A1|B2|12.50"));
  }

  @Test
  void naivePathLooksUpADigestEveryRound() {
    PaymentSigner signer = new PaymentSigner(false);
    long before = PaymentSigner.digestLookups();
    for (int i = 0; i < 10; i++) {
      signer.sign("payload-" + i);
    }
    assertEquals(10L * PaymentSigner.ROUNDS, PaymentSigner.digestLookups() - before);
  }

  @Test
  void optimizedPathNeverLooksUpADigestPerCall() throws Exception {
    PaymentSigner signer = new PaymentSigner(true);
    long before = PaymentSigner.digestLookups();
    Workloads.parallelMillis(4, 25, () -> signer.sign("payload"));
    assertEquals(0, PaymentSigner.digestLookups() - before, "MessageDigest.getInstance must not run per request");
  }

  @Test
  void hexEncodersAgree() {
    byte[] bytes = {0, 1, 15, 16, (byte) 0x7f, (byte) 0x80, (byte) 0xff};
    assertEquals("00010f107f80ff", PaymentSigner.hexWithFormat(bytes));
    assertEquals("00010f107f80ff", PaymentSigner.hexWithLookupTable(bytes));
  }

  @Test
  void optimizedPathAllocatesFarLess() {
    PaymentSigner naive = new PaymentSigner(false);
    PaymentSigner optimized = new PaymentSigner(true);
    naive.sign("warm-up");
    optimized.sign("warm-up");
    long naiveBytes = Workloads.allocatedBytes(() -> naive.sign("payload"));
    long optimizedBytes = Workloads.allocatedBytes(() -> optimized.sign("payload"));
    assertTrue(naiveBytes > 2 * optimizedBytes, "String.format hex should allocate more: " + naiveBytes + " vs " + optimizedBytes);
  }
}
