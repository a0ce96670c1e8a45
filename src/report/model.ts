// What the reports are built from. `ReportInput` is what `main` has in hand after the compare stage;
// `buildJsonReport` (json.ts) turns it into the versioned JSON report, and every text renderer
// (comment, summary, annotations) takes that JSON report, so the comment stage of the fork-safe
// workflow can re-render from the uploaded artifact with exactly the same result.
import type { Comparison, Snapshot } from '../model.js'

/** Files written for one `${service}/${kind}`: paths relative to the output directory. */
export interface ArtifactPaths {
  svg?: string
  html?: string
  json?: string
}

export interface ReportInput {
  comparison: Comparison
  baseline: Snapshot
  current: Snapshot
  /** marker key of the sticky comment, e.g. 'profile-gate' */
  gateName: string
  runUrl?: string
  /** browser-reachable Pyroscope base URL; undefined when the server is not reachable from a browser */
  pyroscopeUiUrl?: string
  /** keyed by `${service}/${kind}` */
  artifacts?: Record<string, ArtifactPaths>
  /** URL of the uploaded artifact holding the output directory */
  artifactUrl?: string
  failOn: string
  mode: 'gate' | 'comment'
}

/** Key of `ReportInput.artifacts`. */
export function artifactKey(service: string, kind: string): string {
  return `${service}/${kind}`
}
