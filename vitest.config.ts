import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
    globalSetup: ['test/support/global-setup.ts'],
    // Native SQLite and real sockets: separate processes keep a crash in one file from hiding others.
    pool: 'forks',
    testTimeout: 20_000,
    restoreMocks: true,
  },
});
