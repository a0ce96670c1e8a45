// Stable function identity across builds: the JVM and code generators give the same function a
// different name in every build or run (lambda and proxy class numbers, accessor indices, hidden
// class addresses). Normalising them keeps the baseline and the current run joinable.
const RULES: Array<[RegExp, string]> = [
  // Foo$$Lambda$14/0x0000000800c0b048.apply, Foo$$Lambda/0x...: and jfr-parser's Foo$$Lambda_
  [/\$\$Lambda(?:\$\d+)?(?:\/0x[0-9a-f]+)?(?:_\d*)?/gi, '$$$$Lambda'],
  // hidden classes: Foo/0x0000000801234567
  [/\/0x[0-9a-f]{6,}/gi, ''],
  [/GeneratedMethodAccessor\d+/g, 'GeneratedMethodAccessor'],
  [/GeneratedConstructorAccessor\d+/g, 'GeneratedConstructorAccessor'],
  [/GeneratedSerializationConstructorAccessor\d+/g, 'GeneratedSerializationConstructorAccessor'],
  [/DirectMethodHandle\$Holder\d*/g, 'DirectMethodHandle$$Holder'],
  [/LambdaForm\$(DMH|MH|BMH)\/?\d*/g, 'LambdaForm$$$1'],
  [/\$Proxy\d+/g, '$$Proxy'],
  [/jdk\/proxy\d+\//g, 'jdk/proxy/'],
  [/\$\$(EnhancerBySpringCGLIB|EnhancerByCGLIB|FastClassBySpringCGLIB|SpringCGLIB)\$\$[0-9a-f]+/gi, '$$$$$1$$$$'],
  [/\$ByteBuddy\$[A-Za-z0-9]+/g, '$$ByteBuddy'],
  [/\$HibernateProxy\$[A-Za-z0-9]+/g, '$$HibernateProxy'],
  // synthetic accessors: access$000, access$lambda$0
  [/\.access\$\d+/g, '.access$$'],
  [/\.lambda\$([A-Za-z0-9_]+)\$\d+/g, '.lambda$$$1'],
  // async-profiler JIT stub variants: jlong_disjoint_arraycopy_avx3 vs _avx2 differ by CPU only
  [/_(avx\d*|sse\d*|evex|avx512\w*)$/i, '']
]

export function normalizeFrameName(name: string): string {
  let out = name
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement)
  return out
}

/** the pseudo-frame Pyroscope folds truncated subtrees into; never a real function */
export const OTHER_FRAME = 'other'
