import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, sharedDir, sharedMissingMessage } from '../support/shared-dir.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';
import { startTestService, testSecret, type TestService } from '../support/test-service.js';
import { openedDelivery, sendDelivery } from '../support/webhook-client.js';

/**
 * The dashboard in real Chromium: sign in, find a decision that came through the signed webhook
 * path, correct it, see the correction counted and the label changed on (fake) GitHub. Every page
 * is photographed into test-results/screenshots/ for a person to look at.
 */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = fs.existsSync(chromiumPath);
if (haveChromium && !sharedDir()) console.warn(`retrain step ${sharedMissingMessage}`);
if (!haveChromium) console.warn(`skipped: no Chromium at ${chromiumPath} (install the chromium package, or set CHROMIUM_PATH)`);

const screenshots = path.join(repoRoot, 'test-results', 'screenshots');
const dashboardToken = 'browser-test-dashboard-token-01';

/** Questions written for this test, in the style of the support queue. */
const questions = [
  { title: 'Reading the current Wi-Fi SSID returns nil', body: 'NEHotspotNetwork.fetchCurrent gives me nil every time on iOS 17, even with the access Wi-Fi information entitlement. How do I read the SSID?' },
  { title: 'Server trust evaluation fails for our self-signed test server', body: 'URLSession fails with -1202 and App Transport Security blocks the load of our staging server, which uses a self-signed certificate.' },
  { title: 'Packet tunnel provider never starts', body: 'startTunnel in my NEPacketTunnelProvider subclass is never called when I connect the VPN from Settings on macOS 14.' },
  { title: 'UDP broadcast with NWConnection does not arrive', body: 'I send UDP broadcast datagrams with NWConnection on iOS 17 but the other device never receives them on the local network.' },
  { title: 'Background download stops when the app is suspended', body: 'My URLSession background download task stops when the app is suspended; the delegate never gets didFinishDownloadingTo.' },
  { title: 'App crashes when opening the settings screen', body: 'Our app crashes on launch of the settings screen, nothing to do with networking, just a SwiftUI layout loop.' },
];
const hostile = {
  title: 'Timeouts <script>window.__pwned = "title"</script><img src=x onerror="window.__pwned=\'img\'">',
  body: 'URLSession requests time out with -1001. <script>window.__pwned = "body"</script> <a href="javascript:window.__pwned=1">click</a>',
};

/** What a page function sees of the browser (the project compiles without the DOM types). */
interface PageGlobals {
  document: { querySelectorAll(selector: string): ArrayLike<unknown> };
  Chart?: { getChart(canvas: unknown): unknown };
}

/** Runs in the page: the chart script ran under the Content-Security-Policy and drew every chart. */
const chartsDrawn = (count: number) => {
  const { document, Chart } = globalThis as unknown as PageGlobals;
  const canvases = Array.from(document.querySelectorAll('canvas[data-chart]'));
  return canvases.length === count && canvases.every((canvas) => Chart?.getChart(canvas) !== undefined);
};

describe.skipIf(!haveChromium)('dashboard in Chromium', () => {
  let github: FakeGitHub;
  let bot: TestService;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  let nextIssue = 1;

  async function deliver(repo: string, question: { title: string; body: string }): Promise<number> {
    const number = nextIssue++;
    github.state.addIssue('acme', repo, { number, title: question.title, body: question.body, user: 'asker' });
    const sent = await sendDelivery(bot.url, 'issues', openedDelivery({ owner: 'acme', repo, number, ...question }), { secret: testSecret });
    expect(sent.status).toBe(202);
    return number;
  }

  async function shoot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
  }

  beforeAll(async () => {
    fs.mkdirSync(screenshots, { recursive: true });
    github = await startFakeGitHub();
    github.state.addRepo('acme', 'support');
    github.state.addRepo('acme', 'reviewed');
    github.state.setFile('acme', 'reviewed', '.github/supportbot.yml', 'mode: review\n');
    github.state.addRepo('acme', 'broken');
    github.state.setFile('acme', 'broken', '.github/supportbot.yml', 'mode: loud\nlabelz: {}\n');
    bot = await startTestService({ githubUrl: github.url, env: { DASHBOARD_TOKEN: dashboardToken, SESSION_SECRET: 's'.repeat(40) } });
    for (const question of questions) await deliver('support', question);
    await deliver('support', hostile);
    await deliver('reviewed', questions[1]);
    await deliver('broken', questions[2]);
    // Only the last delivery may meet the injected 404: let the others finish first.
    await bot.service.queue.drain();
    github.failNext({ method: 'GET', pathPattern: '/repos/{owner}/{repo}/issues/{issue_number}', status: 404 });
    await deliver('support', questions[3]);
    await bot.service.queue.drain();

    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    await github?.close();
  });

  it('signs in with the token and shows decisions that came through the webhook', async () => {
    await page.goto(`${bot.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/signin');
    await shoot('signin');
    await page.fill('#token', dashboardToken);
    await page.click('button[type=submit]');
    await page.waitForURL(`${bot.url}/dashboard`);
    await expect(page.locator('table.queue tbody tr').count()).resolves.toBeGreaterThanOrEqual(questions.length);
    await expect(page.locator('.alert').first().textContent()).resolves.toContain('acme/broken');
    await shoot('queue');
  });

  it('filters by topic, opens a decision and corrects its topic', async () => {
    await page.selectOption('select[name=topic]', 'wifi');
    await page.click('.filters button[type=submit]');
    await page.waitForURL(/topic=wifi/);
    const titles = await page.locator('table.queue a.title').allTextContents();
    expect(titles).toEqual([questions[0].title]);

    await page.click(`text=${questions[0].title}`);
    await page.waitForURL(/\/dashboard\/decisions\/\d+$/);
    await page.waitForFunction(chartsDrawn, 1, { timeout: 5000 });
    await shoot('decision');

    const decisionId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.selectOption('#topic', 'network-conditions');
    await page.click('text=Save topic');
    await page.waitForURL(/notice=corrected/);
    await expect(page.locator('.notice').textContent()).resolves.toContain('Topic corrected');
    await expect(page.locator('.timeline').textContent()).resolves.toContain('token holder');

    const labels = github.state.issue('acme', 'support', 1)!.labels;
    expect(labels).toContain('topic: Network conditions');
    expect(labels).not.toContain('topic: Wi-Fi');
    expect(github.requests.some((request) => request.method === 'DELETE' && request.path.endsWith('/issues/1/labels/topic%3A%20Wi-Fi'))).toBe(true);
    const correction = (await bot.service.store.listCorrections()).find((c) => c.decisionId === decisionId);
    expect(correction).toMatchObject({ fromTopic: 'wifi', toTopic: 'network-conditions', source: 'dashboard' });
  });

  it('counts the correction on the quality page', async () => {
    await page.click('nav >> text=Quality');
    await page.waitForURL(/\/dashboard\/quality/);
    const stat = page.locator('.stat', { hasText: 'corrected' });
    await expect(stat.locator('.value').textContent()).resolves.toBe('1');
    const wifiRow = page.locator('table.confusion tbody tr', { has: page.locator('th', { hasText: /^Wi-Fi$/ }) });
    const headers = await page.locator('table.confusion thead th').allTextContents();
    const cells = await wifiRow.locator('td').allTextContents();
    expect(cells[headers.indexOf('Network conditions') - 1]).toBe('1');
    await page.waitForFunction(chartsDrawn, 2, { timeout: 5000 });
    await shoot('quality');
  });

  it('never runs a script from an issue title or body', async () => {
    await page.goto(`${bot.url}/dashboard?q=Timeouts`);
    await expect(page.locator('table.queue a.title').first().textContent()).resolves.toContain('<script>');
    await page.click('table.queue a.title');
    await page.waitForURL(/\/dashboard\/decisions\/\d+$/);
    await expect(page.locator('h1').textContent()).resolves.toContain('<img src=x');
    await expect(page.locator('a[href^="javascript:"]').count()).resolves.toBe(0);
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(dialogs).toEqual([]);
    await shoot('decision-hostile');
  });

  it('shows the review, failures and model pages', async () => {
    await page.goto(`${bot.url}/dashboard/review`);
    await expect(page.locator('.review-item').count()).resolves.toBe(1);
    await shoot('review');
    await page.goto(`${bot.url}/dashboard/failures`);
    await expect(page.locator('table.data tbody').textContent()).resolves.toContain('GitHub resource not found');
    await shoot('failures');
    await page.goto(`${bot.url}/dashboard/model`);
    await shoot('model');
  });

  it.skipIf(!sharedDir())('retrains from the model page with the correction included', async () => {
    await page.goto(`${bot.url}/dashboard/model`);
    await page.click('button:has-text("Retrain")');
    await page.waitForURL(/notice=/, { timeout: 60_000 });
    await expect(page.locator('.notice').textContent()).resolves.toMatch(/Retrained/);
    const versions = await bot.service.store.listModelVersions();
    expect(versions.length).toBe(2);
    expect(versions.some((version) => version.metrics.corrections === 1)).toBe(true);
    await shoot('model-after-retrain');
  });
});
