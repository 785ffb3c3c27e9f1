import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** The same policy as the page's meta tag, sent as a header too (it also covers frame-ancestors). */
export const UI_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

interface StaticFile {
  readonly file: string;
  readonly type: string;
}

/**
 * The built UI (`out/renderer`), served read-only. The set of files is listed
 * once at start, so a request can only ever name one of them: no path is
 * ever joined from user input, and traversal has nothing to reach.
 */
export class StaticFiles {
  private readonly files = new Map<string, StaticFile>();

  constructor(readonly root: string) {
    if (!fs.existsSync(root)) return;
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.isFile()) {
          const type = TYPES[path.extname(entry.name).toLowerCase()];
          if (type) this.files.set(`/${path.relative(root, full).split(path.sep).join('/')}`, { file: full, type });
        }
      }
    };
    walk(root);
    const index = this.files.get('/index.html');
    if (index) this.files.set('/', index);
  }

  /** Whether the UI was built and found. */
  get available(): boolean {
    return this.files.has('/');
  }

  has(pathname: string): boolean {
    return this.files.has(pathname);
  }

  /** Sends the file for `pathname` (which must satisfy {@link has}). */
  send(res: ServerResponse, pathname: string, head: boolean): void {
    const entry = this.files.get(pathname);
    if (!entry) throw new Error(`not a UI file: ${pathname}`);
    const body = fs.readFileSync(entry.file);
    res.writeHead(200, {
      'content-type': entry.type,
      'content-length': body.length,
      // Hashed asset names never change content; the page itself always revalidates.
      'cache-control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      'content-security-policy': UI_CSP,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      // A page that opens ours (or that ours opens) gets no handle on its window: no window.opener
      // to navigate it, no cross-window probing of the operator's session.
      'cross-origin-opener-policy': 'same-origin',
    });
    res.end(head ? undefined : body);
  }
}
