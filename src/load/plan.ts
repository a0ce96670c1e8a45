// The stack's load plan (stack/load-plan.json): which services to drive and with which requests.
// Validated at the boundary; errors name the file, the field path and what was expected.
import { readFile } from 'node:fs/promises'
import { z } from 'zod'

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const

const pathField = z.string().startsWith('/', { message: 'expected a path starting with "/"' })

const baseUrlField = z
  .string()
  .refine(
    (s) => {
      try {
        const u = new URL(s)
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.search === '' && u.hash === ''
      } catch {
        return false
      }
    },
    { message: 'expected an absolute http(s) URL without query or fragment, e.g. "http://127.0.0.1:8080"' }
  )

export const EndpointPlanSchema = z.object({
  name: z.string().min(1, { message: 'expected a non-empty name' }),
  method: z.enum(HTTP_METHODS, { message: `expected one of ${HTTP_METHODS.join('|')}` }),
  path: pathField,
  /** relative share of requests; default 1 */
  weight: z.number().int({ message: 'expected a positive integer' }).positive({ message: 'expected a positive integer' }).default(1),
  /** a string is sent as is; any other JSON value is JSON-encoded */
  body: z.json().optional(),
  headers: z.record(z.string(), z.string()).optional()
})
export type EndpointPlan = z.infer<typeof EndpointPlanSchema>

export const ServicePlanSchema = z.object({
  /** the service name as it appears in Pyroscope (service_name) */
  name: z.string().min(1, { message: 'expected a non-empty name' }),
  baseUrl: baseUrlField,
  /** health path polled before load; optional */
  health: pathField.optional(),
  endpoints: z.array(EndpointPlanSchema).min(1, { message: 'expected at least one endpoint' })
})
export type ServicePlan = z.infer<typeof ServicePlanSchema>

export const LoadPlanSchema = z
  .object({
    version: z.literal(1, { message: 'expected 1' }),
    services: z.array(ServicePlanSchema, { message: 'expected an array of services' }).min(1, { message: 'expected at least one service' })
  })
  .superRefine((plan, ctx) => {
    const seen = new Set<string>()
    plan.services.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: ['services', i, 'name'], message: `duplicate service name "${s.name}"` })
      seen.add(s.name)
      const eps = new Set<string>()
      s.endpoints.forEach((e, j) => {
        if (eps.has(e.name)) {
          ctx.addIssue({ code: 'custom', path: ['services', i, 'endpoints', j, 'name'], message: `duplicate endpoint name "${e.name}" in service "${s.name}"` })
        }
        eps.add(e.name)
      })
    })
  })
export type LoadPlan = z.infer<typeof LoadPlanSchema>

export class LoadPlanError extends Error {
  override name = 'LoadPlanError'
}

/** `services[0].endpoints[1].method` */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`
    else out += out === '' ? String(p) : `.${String(p)}`
  }
  return out === '' ? '(root)' : out
}

// shows the offending value next to the expectation, short
function gotText(root: unknown, path: readonly PropertyKey[]): string {
  let v: unknown = root
  for (const p of path) {
    if (v === null || typeof v !== 'object') return ''
    v = (v as Record<PropertyKey, unknown>)[p]
  }
  if (v === undefined) return ' (missing)'
  if (typeof v === 'object' && v !== null) return ''
  const text = JSON.stringify(v)
  return ` (got ${text.length > 60 ? `${text.slice(0, 57)}...` : text})`
}

export function parseLoadPlan(text: string, source: string): LoadPlan {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new LoadPlanError(`${source}: not valid JSON: ${err instanceof Error ? err.message : String(err)}`)
  }
  const parsed = LoadPlanSchema.safeParse(json)
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 10).map((i) => `  ${formatIssuePath(i.path)}: ${i.message}${gotText(json, i.path)}`)
    const more = parsed.error.issues.length > 10 ? `\n  … and ${parsed.error.issues.length - 10} more` : ''
    throw new LoadPlanError(`${source}: invalid load plan:\n${lines.join('\n')}${more}`)
  }
  return parsed.data
}

export async function loadLoadPlan(file: string): Promise<LoadPlan> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new LoadPlanError(
      code === 'ENOENT' ? `${file}: load plan not found (set load-plan to the stack's plan file)` : `${file}: cannot read load plan: ${String(err)}`
    )
  }
  return parseLoadPlan(text, file)
}

export interface PlanSelection {
  /** only these services (default all), in plan order */
  services?: readonly string[]
  /** replace a service's baseUrl (e.g. a staging or native stack) */
  overrides?: Readonly<Record<string, string>>
}

/** Applies a selection and base-URL overrides; unknown service names are an error listing the known ones. */
export function selectPlan(plan: LoadPlan, sel: PlanSelection = {}): LoadPlan {
  const known = plan.services.map((s) => s.name)
  const unknown = (names: readonly string[], what: string): void => {
    const bad = names.filter((n) => !known.includes(n))
    if (bad.length > 0) {
      throw new LoadPlanError(`${what}: unknown service${bad.length > 1 ? 's' : ''} ${bad.map((b) => `"${b}"`).join(', ')}; the load plan has ${known.join(', ')}`)
    }
  }
  const overrides = sel.overrides ?? {}
  unknown(Object.keys(overrides), 'base URL overrides')
  if (sel.services !== undefined) {
    unknown(sel.services, 'service selection')
    if (sel.services.length === 0) throw new LoadPlanError(`service selection is empty; the load plan has ${known.join(', ')}`)
  }
  for (const [name, url] of Object.entries(overrides)) {
    const r = baseUrlField.safeParse(url)
    if (!r.success) throw new LoadPlanError(`base URL override for "${name}": ${r.error.issues[0]?.message ?? 'invalid'} (got "${url}")`)
  }
  const wanted = sel.services
  return {
    version: plan.version,
    services: plan.services
      .filter((s) => wanted === undefined || wanted.includes(s.name))
      .map((s) => {
        const o = overrides[s.name]
        return o === undefined ? s : { ...s, baseUrl: o }
      })
  }
}

/** Splits baseUrl + path into the origin (one connection pool each) and the request path. */
export function resolveTarget(baseUrl: string, path: string): { origin: string; path: string } {
  const u = new URL(baseUrl)
  const prefix = u.pathname.replace(/\/+$/, '')
  return { origin: u.origin, path: `${prefix}${path}` }
}

/** Health URLs of the services that declare one. */
export function healthUrls(plan: LoadPlan): string[] {
  return plan.services.flatMap((s) => {
    if (s.health === undefined) return []
    const t = resolveTarget(s.baseUrl, s.health)
    return [`${t.origin}${t.path}`]
  })
}
