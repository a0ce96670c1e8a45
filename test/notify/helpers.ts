// A loopback HTTP server that records requests (msw does not see every undici call) and literal
// Comparison data.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Comparison, FunctionComparison } from '../../src/model.js'

export interface Received {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

export interface Loopback {
  url: string
  received: Received[]
  close: () => Promise<void>
}

/** `handler` returns [status, body], or undefined to never answer (timeouts) */
export async function loopback(handler: (req: Received, n: number) => [number, string] | undefined): Promise<Loopback> {
  const received: Received[] = []
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      received.push(r)
      const out = handler(r, received.length)
      if (!out) return
      res.writeHead(out[0], { 'content-type': 'text/plain' }).end(out[1])
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    // the path stands in for the secret part of a real Slack webhook URL
    url: `http://127.0.0.1:${port}/services/T000/B000/s3cr3tT0k3n`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

export function fn(over: Partial<FunctionComparison> & { function: string }): FunctionComparison {
  return {
    service: 'orders',
    kind: 'cpu',
    metric: 'self',
    baselineShare: 0.1,
    currentShare: 0.15,
    delta: 0.05,
    relativeDelta: 0.5,
    evidence: { test: 'replicate-t', z: 4, pValue: 0.0001, adjustedP: 0.001, reason: 'significant' },
    verdict: 'regression',
    threshold: 0.2,
    failing: true,
    ...over
  }
}

export function comparison(functions: FunctionComparison[], over: Partial<Comparison> = {}): Comparison {
  const regressions = functions.filter((f) => f.verdict === 'regression').length
  return {
    passed: !functions.some((f) => f.failing),
    kinds: [
      {
        service: 'orders',
        kind: 'cpu',
        profileTypeId: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
        status: 'compared',
        optional: false,
        baselineTotalPerSecond: 1,
        currentTotalPerSecond: 1,
        truncatedShare: { baseline: 0, current: 0 },
        source: 'snapshot',
        functions,
        warnings: []
      }
    ],
    failures: [],
    warnings: [],
    counts: { regressions, newHotspots: 0, improvements: 0, missing: 0 },
    ...over
  }
}
