/** Desktop notifications with a mocked `electron`: the body is escaped where the platform reads it as markup. */
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-mock'));

const electron = await import('../../support/electron-mock');
const { escapeNotificationMarkup, showNotification } = await import('../../../electron/main/notifications');

describe('desktop notifications', () => {
  beforeEach(() => electron.resetElectronMock());

  const alert = { title: 'api & <b>co</b> needs you', body: `permission: Bash: echo "<a href='http://evil.test'>x</a>" && rm -rf &amp;` };

  it('on Linux the body is escaped for libnotify markup (the title is plain text there)', () => {
    showNotification(alert, 'linux');
    expect(electron.Notification.shown).toEqual([
      {
        title: alert.title,
        body: 'permission: Bash: echo &quot;&lt;a href=&#39;http://evil.test&#39;&gt;x&lt;/a&gt;&quot; &amp;&amp; rm -rf &amp;amp;',
      },
    ]);
  });

  it.each(['darwin', 'win32'] as const)('on %s the text is shown as it is', (platform) => {
    showNotification(alert, platform);
    expect(electron.Notification.shown).toEqual([alert]);
  });

  it('escaping leaves plain text as it is and is undone by a markup reader', () => {
    expect(escapeNotificationMarkup('4 agents: a, b, c and 1 more')).toBe('4 agents: a, b, c and 1 more');
    const unescaped = escapeNotificationMarkup(alert.body).replace(/&(amp|lt|gt|quot|#39);/g, (_m, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name]!);
    expect(unescaped).toBe(alert.body);
  });
});
