import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    restoreMocks: true,
    unstubEnvs: true,
    testTimeout: 30_000,
    // the workflow parser imports JSON without import attributes; inlining lets vite handle it
    server: { deps: { inline: ['@actions/workflow-parser', '@actions/expressions'] } }
  }
})
