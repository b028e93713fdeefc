// The in-host test contract: each test/e2e/host/<name>.test.ts exports
// `export const tests: HostTest[]`. The runner (index.ts) loads every compiled
// out/test/e2e/host/*.test.js inside the real VS Code extension host and runs the
// tests one at a time with a timeout; a test fails by throwing (node:assert).
export interface HostTest {
  readonly name: string;
  run(): Promise<void>;
}
