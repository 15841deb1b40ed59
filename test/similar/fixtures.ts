import type { StoredIssue } from '../../src/store/types.js';

/** Hand-written issues (our own words) about a networking library's support queue. */
export const repo = 'acme/netkit';

export function issue(number: number, title: string, body: string, extra: Partial<StoredIssue> = {}): StoredIssue {
  return {
    repo,
    number,
    title,
    body,
    state: 'open',
    answered: false,
    isPrivate: false,
    url: `https://github.com/${extra.repo ?? repo}/issues/${number}`,
    updatedAt: '2024-05-01T10:00:00Z',
    ...extra,
  };
}

export const issues: StoredIssue[] = [
  issue(1, 'WebSocket drops after the app goes to background', 'When my app moves to the background the WebSocket task closes with code 1001 and never reconnects when I return to the foreground.'),
  issue(2, 'Packet tunnel provider stops routing DNS', 'Our packet tunnel provider starts fine but DNS queries stop resolving after a few minutes; the tunnel still shows connected in Settings.'),
  issue(3, 'Certificate pinning fails on iOS 17', 'Server trust evaluation rejects our pinned certificate since iOS 17; the chain validates in Safari. Error -1202.'),
  issue(4, 'Background download never finishes', 'A background URLSession download task stays at zero percent when the device is locked overnight, then the app is relaunched without the file.'),
  issue(5, 'Local network permission prompt missing', 'The local network privacy alert never appears on the device so Bonjour browsing finds nothing, although the Info.plist has the usage description.'),
  issue(6, 'WebSocket closes when the app is backgrounded', 'Our WebSocket task is closed with code 1001 as soon as the app goes to the background, and reconnecting in the foreground fails.'),
  issue(7, 'Crash in constructor of the socket wrapper', 'The constructor of our socket wrapper crashes when the host name is empty; the constructor should reject it instead.'),
];
