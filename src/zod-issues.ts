// One way to say what a zod schema rejected: "path.to.field: message; …", so every boundary's
// error names the field and what was expected.
import type { z } from 'zod'

export function formatZodIssues(error: z.ZodError, max = 5): string {
  const shown = error.issues.slice(0, max).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
  const more = error.issues.length > max ? `; … and ${error.issues.length - max} more` : ''
  return shown.join('; ') + more
}
