import { Notification } from 'electron';
import type { Alert } from '../core/status-alerts';

const MARKUP_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * `text` as literal text in the freedesktop notification markup (a subset of
 * HTML: `<b>`, `<i>`, `<a href>`, `<img>`, entities), so that an agent's name
 * or waiting message shows as it is: never bold, never a link, never an
 * unparsable body the server drops (`&` alone).
 */
export function escapeNotificationMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (char) => MARKUP_ENTITIES[char]!);
}

/**
 * Shows an alert as a desktop notification where the platform supports them.
 * On Linux, Electron hands the body to libnotify, whose servers read it as
 * markup: it is escaped there. The title (the spec's summary) is plain text
 * everywhere, and macOS and Windows show the body as it is.
 */
export function showNotification(alert: Alert, platform: NodeJS.Platform = process.platform): void {
  if (!Notification.isSupported()) return;
  const body = platform === 'linux' ? escapeNotificationMarkup(alert.body) : alert.body;
  new Notification({ title: alert.title, body, silent: false }).show();
}
