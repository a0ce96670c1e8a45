package com.example.bank.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates stack/ (the Maven basedir) and the repository root (its parent). */
public final class StackPaths {
  private StackPaths() {}

  public static Path stackDir() {
    String configured = System.getProperty("stack.dir");
    Path dir = configured != null ? Paths.get(configured) : Paths.get("").toAbsolutePath();
    if (!Files.isRegularFile(dir.resolve("pom.xml"))) {
      throw new IllegalStateException("cannot locate stack/ (no pom.xml in " + dir + ")");
    }
    return dir.toAbsolutePath().normalize();
  }

  public static Path repoRoot() {
    return stackDir().getParent();
  }
}
