// docs/webhook.md is the contract for receivers: its example must satisfy the exported schema and
// its field table must name every top-level field.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { WEBHOOK_SCHEMA, WebhookPayloadSchema } from '../../src/notify/webhook.js'

const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'webhook.md'), 'utf8')

describe('docs/webhook.md', () => {
  it('the example validates against WebhookPayloadSchema', () => {
    const json = doc.match(/```json\n([\s\S]*?)```/)?.[1]
    expect(json).toBeDefined()
    const parsed = WebhookPayloadSchema.parse(JSON.parse(json ?? ''))
    expect(parsed.schema).toBe(WEBHOOK_SCHEMA)
  })
  it('documents every top-level field', () => {
    for (const key of Object.keys(WebhookPayloadSchema.shape)) expect(doc).toContain(`| \`${key}\` |`)
  })
})
