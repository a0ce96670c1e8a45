package com.example.bank.faas;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * One function instance's own copy of the function code, defined by a class loader of its own, as
 * FaaS runtimes isolate function code per instance. Loading it is the cold start: reading and
 * defining the class, verification, and running it in the interpreter until the JIT catches up.
 * Once per instance of the warm pool; on every call when each call deploys a fresh instance.
 */
final class FunctionSandbox {
  private static final String CODE = FunctionLibrary.class.getName();
  private static final String RESOURCE = CODE.replace('.', '/') + ".class";
  private static final MethodType INVOKE = MethodType.methodType(JsonObject.class, String.class, JsonObject.class);
  private final Class<?> code;
  private final MethodHandle invoke;

  private FunctionSandbox(Class<?> code, MethodHandle invoke) {
    this.code = code;
    this.invoke = invoke;
  }

  static FunctionSandbox load() {
    try {
      Class<?> code = new IsolatingLoader(FunctionSandbox.class.getClassLoader()).loadClass(CODE);
      return new FunctionSandbox(code, MethodHandles.publicLookup().findStatic(code, "invoke", INVOKE));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot load the function code " + CODE, e);
    }
  }

  /** this instance's own class of the function code */
  Class<?> codeClass() {
    return code;
  }

  JsonObject invoke(String function, JsonObject input) {
    try {
      return (JsonObject) invoke.invokeExact(function, input);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Defines the function code itself (child-first); everything else comes from the parent. */
  private static final class IsolatingLoader extends ClassLoader {
    IsolatingLoader(ClassLoader parent) {
      super("function-instance", parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.equals(CODE)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded == null) {
          byte[] bytes = readCode();
          loaded = defineClass(name, bytes, 0, bytes.length);
        }
        return loaded;
      }
    }

    private byte[] readCode() {
      try (InputStream in = getParent().getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("function code not found on the class path: " + RESOURCE);
        }
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
