import { describe, expect, it } from 'vitest';
import { isProblemReport, missingInfo, presentInfo } from '../../src/triage/missing-info.js';

describe('presentInfo finds details written in prose', () => {
  it.each([
    ['Seen on iOS 18.5 only', 'platform'],
    ['after updating to macOS Sequoia', 'platform'],
    ['my Mac runs Sonoma', 'platform'],
    ['iPhone 15 running 17.4.1', 'platform'],
    ['tested on iPadOS 17', 'platform'],
    ['I create an NWConnection to the device', 'api'],
    ['using URLSession with a background configuration', 'api'],
    ['NEPacketTunnelProvider stops', 'api'],
    ['it fails with -1009', 'error'],
    ['Error Domain=NSURLErrorDomain Code=-1200', 'error'],
    ['the error is: "The operation couldn’t be completed. Connection refused"', 'error'],
    ['2024-03-01 10:22:13.123 MyApp[123:456] boringssl_context_alert_callback', 'error'],
    ['```swift\nlet c = NWConnection(host: h, port: p, using: .tcp)\n```', 'code'],
    ['let session = URLSession(configuration: .default) then task.resume()', 'code'],
    ['    func start() {\n        connection.start(queue: .main)', 'code'],
  ])('%s → %s', (text, item) => {
    expect(presentInfo(text).has(item as never)).toBe(true);
  });

  it('does not see a platform version in an unrelated number', () => {
    expect(presentInfo('I tried 3 times with 2 devices').has('platform')).toBe(false);
  });
});

describe('missingInfo', () => {
  it('asks a how-to question only for the platform', () => {
    expect(missingInfo('How do I read the SSID?', 'I want to show the network name in my app.')).toEqual(['platform']);
  });

  it('asks nothing of a complete problem report', () => {
    const body = 'On iOS 18.1 my NWConnection fails with POSIX error 61 (ECONNREFUSED).\n```swift\nconnection.start(queue: .main)\n```';
    expect(missingInfo('UDP connection refused', body)).toEqual([]);
  });

  it('asks a vague problem report for everything', () => {
    expect(missingInfo('Network not working', 'It stopped working, please help')).toEqual(['platform', 'api', 'error', 'code']);
  });

  it('tells problem reports from questions', () => {
    expect(isProblemReport('The tunnel disconnects after a minute')).toBe(true);
    expect(isProblemReport('Which API should I use to browse for services?')).toBe(false);
  });
});
