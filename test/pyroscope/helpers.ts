// Loopback HTTP servers and the upstream fixtures for the Pyroscope client tests. msw does not
// intercept undici's request(), so the client is tested against real sockets on 127.0.0.1.
import { existsSync, readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'

export const repoRoot = path.resolve(import.meta.dirname, '../..')
export const fixturesDir = path.resolve(repoRoot, '../shared/fixtures/pyroscope')

// fail (not skip) when the fixtures are missing
if (!existsSync(path.join(fixturesDir, 'flamegraph.json'))) {
  throw new Error(`Pyroscope fixtures not found in ${fixturesDir}`)
}

const PB = (t: string) => `cortex-dev-01__kafka-0__cpu_lock0_alloc0__0.jfr.gz.${t}.17241709254077376921.pb.gz`
export const FIXTURE = {
  flamegraph: 'flamegraph.json',
  profile: 'profile.json',
  series: 'series.json',
  selectseries: 'selectseries.json',
  cpuPb: PB('process_cpu_cpu_nanoseconds_cpu_nanoseconds'),
  mutexPb: PB('mutex_delay_nanoseconds_mutex_count'),
  allocPb: PB('memory_alloc_in_new_tlab_bytes_bytes_space_bytes')
} as const

export function fixture(name: string): Buffer {
  return readFileSync(path.join(fixturesDir, name))
}

export function fixtureJson(name: string): unknown {
  return JSON.parse(fixture(name).toString('utf8'))
}

export interface Recorded {
  method: string
  /** path + query as sent */
  url: string
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  body: Buffer
}

export type Handler = (req: Recorded, res: ServerResponse, index: number) => void | Promise<void>

export interface TestServer {
  url: string
  requests: Recorded[]
  close(): Promise<void>
}

export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: Recorded[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x')
      const rec: Recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks)
      }
      requests.push(rec)
      Promise.resolve(handler(rec, res, requests.length - 1)).catch((err: unknown) => {
        res.statusCode = 599
        res.end(String(err))
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(typeof body === 'string' ? body : JSON.stringify(body))
}
