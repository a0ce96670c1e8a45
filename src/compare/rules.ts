// Thresholds and ignores: defaults from the action inputs, refined per service, kind and function
// pattern by the optional config file in the repository. Pure: the file is read by config.ts.
import { z } from 'zod'
import { KindSchema, type Kind } from '../model.js'

export interface Thresholds {
  /** relative increase of the share, fraction (0.2 = 20 %) */
  minRelative: number
  /** absolute increase, fraction of the total (0.01 = 1 percentage point) */
  minAbsolute: number
  /** the current share a regression must at least have, fraction */
  minShare: number
}

export interface GateRules {
  defaults: Thresholds
  /** significance level of the one-sided test after Holm adjustment */
  alpha: number
  /** relative run-to-run variation of a share between two runs of the same code */
  runVariation: number
  metric: 'self' | 'total' | 'both'
  kinds: Kind[]
  rules: Rule[]
}

const pct = (what: string, max = 100) => z.number({ error: `${what} must be a number (percent)` }).min(0).max(max)

const RuleSchema = z
  .object({
    service: z.string().min(1).optional(),
    kind: z.union([KindSchema, z.literal('*')]).optional(),
    function: z.string().min(1).optional(),
    'min-relative': pct('min-relative', 100_000).optional(),
    'min-absolute': pct('min-absolute').optional(),
    'min-share': pct('min-share').optional(),
    ignore: z.boolean().optional(),
    optional: z.boolean().optional()
  })
  .strict()
  .refine((r) => r.service || r.kind || r.function, { message: 'a rule needs at least one of service, kind, function' })

export const ConfigFileSchema = z
  .object({
    version: z.literal(1, { error: 'version must be 1' }),
    kinds: z.array(KindSchema).min(1).optional(),
    metric: z.enum(['self', 'total', 'both']).optional(),
    thresholds: z
      .object({
        'min-relative': pct('min-relative', 100_000).optional(),
        'min-absolute': pct('min-absolute').optional(),
        'min-share': pct('min-share').optional(),
        alpha: z.number().gt(0).lt(1).optional(),
        'run-variation': pct('run-variation').optional()
      })
      .strict()
      .optional(),
    rules: z.array(RuleSchema).optional()
  })
  .strict()
export type ConfigFile = z.infer<typeof ConfigFileSchema>

export interface Rule {
  service?: RegExp
  kind?: Kind
  function?: RegExp
  thresholds: Partial<Thresholds>
  ignore?: boolean
  optional?: boolean
  /** where the rule came from, for reasons in the report */
  label: string
}

/** `*` matches any run of characters, `?` one; everything else is literal (JVM names contain `$` and `.`). */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${body}$`)
}

export function rulesFromConfig(config: ConfigFile | undefined, base: GateRules): GateRules {
  if (!config) return base
  const t = config.thresholds ?? {}
  const defaults: Thresholds = {
    minRelative: t['min-relative'] !== undefined ? t['min-relative'] / 100 : base.defaults.minRelative,
    minAbsolute: t['min-absolute'] !== undefined ? t['min-absolute'] / 100 : base.defaults.minAbsolute,
    minShare: t['min-share'] !== undefined ? t['min-share'] / 100 : base.defaults.minShare
  }
  const rules: Rule[] = (config.rules ?? []).map((r, i) => ({
    ...(r.service ? { service: globToRegExp(r.service) } : {}),
    ...(r.kind && r.kind !== '*' ? { kind: r.kind } : {}),
    ...(r.function ? { function: globToRegExp(r.function) } : {}),
    thresholds: {
      ...(r['min-relative'] !== undefined ? { minRelative: r['min-relative'] / 100 } : {}),
      ...(r['min-absolute'] !== undefined ? { minAbsolute: r['min-absolute'] / 100 } : {}),
      ...(r['min-share'] !== undefined ? { minShare: r['min-share'] / 100 } : {})
    },
    ...(r.ignore !== undefined ? { ignore: r.ignore } : {}),
    ...(r.optional !== undefined ? { optional: r.optional } : {}),
    label: `rules[${i}]`
  }))
  return {
    ...base,
    defaults,
    alpha: t.alpha ?? base.alpha,
    runVariation: t['run-variation'] !== undefined ? t['run-variation'] / 100 : base.runVariation,
    metric: config.metric ?? base.metric,
    kinds: config.kinds ?? base.kinds,
    rules: [...base.rules, ...rules]
  }
}

export interface ResolvedRule {
  thresholds: Thresholds
  ignore: boolean
  optional: boolean
}

/** Later rules override earlier ones; a rule with a function pattern only applies to functions. */
export function resolveRule(rules: GateRules, service: string, kind: Kind, fn?: string): ResolvedRule {
  let thresholds = { ...rules.defaults }
  let ignore = false
  let optional = false
  for (const r of rules.rules) {
    if (r.service && !r.service.test(service)) continue
    if (r.kind && r.kind !== kind) continue
    if (r.function && (fn === undefined || !r.function.test(fn))) continue
    thresholds = { ...thresholds, ...r.thresholds }
    if (r.ignore !== undefined) ignore = r.ignore
    if (r.optional !== undefined && !r.function) optional = r.optional
  }
  return { thresholds, ignore, optional }
}
