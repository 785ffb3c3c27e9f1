import { Notification } from 'electron';
import type { Alert } from '../core/status-alerts';

/** Shows an alert as a desktop notification where the platform supports them. */
export function showNotification(alert: Alert): void {
  if (!Notification.isSupported()) return;
  new Notification({ title: alert.title, body: alert.body, silent: false }).show();
}
