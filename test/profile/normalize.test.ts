import { describe, expect, it } from 'vitest'
import { normalizeFrameName } from '../../src/profile/normalize.js'

describe('normalizeFrameName', () => {
  it.each([
    ['com/acme/Foo$$Lambda$14/0x0000000800c0b048.apply', 'com/acme/Foo$$Lambda.apply'],
    ['com/acme/Foo$$Lambda_.apply', 'com/acme/Foo$$Lambda.apply'],
    ['com/acme/Foo$$Lambda/0x00007f3c1c0a2b10.run', 'com/acme/Foo$$Lambda.run'],
    ['jdk/internal/reflect/GeneratedMethodAccessor123.invoke', 'jdk/internal/reflect/GeneratedMethodAccessor.invoke'],
    ['jdk/proxy2/$Proxy45.handle', 'jdk/proxy/$Proxy.handle'],
    ['com/acme/Svc$$EnhancerBySpringCGLIB$$a1b2c3.call', 'com/acme/Svc$$EnhancerBySpringCGLIB$$.call'],
    ['com/acme/Outer.access$000', 'com/acme/Outer.access$'],
    ['com/acme/Svc.lambda$handle$3', 'com/acme/Svc.lambda$handle'],
    ['.jlong_disjoint_arraycopy_avx3', '.jlong_disjoint_arraycopy']
  ])('%s -> %s', (input, expected) => {
    expect(normalizeFrameName(input)).toBe(expected)
  })

  it('leaves ordinary names alone', () => {
    for (const n of ['java/lang/Thread.run', 'com/acme/Fib.fib', 'libjvm.so.ObjectMonitor::enter', 'java/util/HashMap$Node.<init>']) {
      expect(normalizeFrameName(n)).toBe(n)
    }
  })
})
