/**
 * The preload's own layer: it runs in Electron's sandbox, where Node's modules
 * cannot be required and its globals are a reduced polyfill (what leans on
 * them passes the tests and fails in the window), so lint and its own TypeScript project
 * (tsconfig.preload.json, Electron's API typed without Node) refuse them at
 * check time. The same code stays allowed in the main process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../support/temp-dir';

const root = path.resolve(import.meta.dirname, '../../..');
const SANDBOX = "The preload runs in Electron's sandbox";

const NODE_IN_THE_SANDBOX = {
  'a node: import': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
  'a bare builtin import': "import path from 'path';\nexport const join = path.join;\n",
  'a package': "import { z } from 'zod';\nexport const schema = z.string();\n",
  'an electron subpath': "import { contextBridge } from 'electron/renderer';\nexport const bridge = contextBridge;\n",
  'process': 'export const home = process.env.HOME;\n',
  'Buffer': "export const bytes = Buffer.from('x');\n",
  'require()': "export const fs = require('fs');\n",
};

describe('the preload’s sandbox layer', () => {
  const eslint = new ESLint({ cwd: root });
  const lint = async (code: string, file: string) => (await eslint.lintText(code, { filePath: path.join(root, file) }))[0]!.messages;

  it.each(Object.entries(NODE_IN_THE_SANDBOX))('lint refuses %s in electron/preload/', async (_what, code) => {
    const messages = await lint(code, 'electron/preload/probe.ts');
    expect(messages.some((m) => m.message.includes(SANDBOX)), JSON.stringify(messages)).toBe(true);
  });

  it('lint allows Node in the main process, and Electron and relative imports in the preload', async () => {
    expect((await lint(NODE_IN_THE_SANDBOX['a node: import'], 'electron/main/probe.ts')).filter((m) => m.message.includes(SANDBOX))).toEqual([]);
    const preload = "import { contextBridge } from 'electron';\nimport { fleetBridge } from './fleet-bridge';\ncontextBridge.exposeInMainWorld('fleet', fleetBridge);\n";
    expect(await lint(preload, 'electron/preload/probe.ts')).toEqual([]);
  });

  describe('tsconfig.preload.json', () => {
    const tempDir = useTempDir('fleet-preload-');
    const configFile = path.join(root, 'tsconfig.preload.json');
    const { config } = ts.readConfigFile(configFile, (file) => ts.sys.readFile(file));
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configFile);

    /** Type errors of one file checked as the preload project checks its own. */
    function check(code: string): string[] {
      const file = path.join(tempDir(), 'probe.ts');
      fs.writeFileSync(file, code);
      const program = ts.createProgram([file], { ...options, composite: false, noEmit: true, tsBuildInfoFile: undefined });
      return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    }

    it('knows no Node: its globals and modules are errors', () => {
      const errors = check(`${NODE_IN_THE_SANDBOX.process}${NODE_IN_THE_SANDBOX.Buffer}${NODE_IN_THE_SANDBOX['a node: import']}`);
      expect(errors.some((e) => e.includes("Cannot find name 'process'"))).toBe(true);
      expect(errors.some((e) => e.includes("Cannot find name 'Buffer'"))).toBe(true);
      expect(errors.some((e) => e.includes("Cannot find module 'node:fs'"))).toBe(true);
    });

    it('types what the preload uses of Electron, and the DOM', () => {
      const code = [
        "import { contextBridge, ipcRenderer } from 'electron';",
        "contextBridge.exposeInMainWorld('probe', { ping: () => ipcRenderer.invoke('ping') });",
        "const listener = (event: { ports: MessagePort[] }, payload: string) => document.title = `${event.ports.length}${payload}`;",
        "ipcRenderer.on('push', listener).removeListener('push', listener);",
        '',
      ].join('\n');
      expect(check(code)).toEqual([]);
    });
  });
});
