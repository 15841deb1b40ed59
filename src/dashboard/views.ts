import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

/**
 * Server-rendered pages from `templates/pages/*.hbs`. Handlebars escapes every `{{value}}`; the
 * only triple-stash is the layout's slot for the page, which its own template already escaped.
 * Templates are read once, when the dashboard starts.
 */
export const pageNames = ['signin', 'queue', 'decision', 'quality', 'model', 'failures', 'review', 'message'] as const;
export type PageName = (typeof pageNames)[number];

export interface LayoutView {
  title: string;
  nav: PageName | null;
  user: { login: string; via: string } | null;
  csrf: string | null;
  banner: string | null;
  notice: string | null;
  /** Scripts the page needs (served from /dashboard/assets). */
  charts: boolean;
}

export type RenderPage = (page: PageName, layout: LayoutView, view: object) => string;

export function formatPercent(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : '—';
}

export function formatDuration(ms: unknown): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export function formatTime(iso: unknown): string {
  if (typeof iso !== 'string' || Number.isNaN(Date.parse(iso))) return '—';
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function helpers(instance: typeof Handlebars): void {
  instance.registerHelper('percent', (value: unknown) => formatPercent(value));
  instance.registerHelper('duration', (ms: unknown) => formatDuration(ms));
  instance.registerHelper('time', (iso: unknown) => formatTime(iso));
  instance.registerHelper('fixed', (value: unknown, digits: unknown) => (typeof value === 'number' ? value.toFixed(typeof digits === 'number' ? digits : 2) : '—'));
  instance.registerHelper('signedPercent', (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? `${value >= 0 ? '+' : '−'}${Math.abs(value * 100).toFixed(1)} pts` : '—'));
  instance.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  instance.registerHelper('json', (value: unknown) => JSON.stringify(value));
}

export function loadPages(templatesDir: string): RenderPage {
  const instance = Handlebars.create();
  helpers(instance);
  const dir = path.join(templatesDir, 'pages');
  const read = (name: string) => fs.readFileSync(path.join(dir, `${name}.hbs`), 'utf8');
  for (const file of fs.readdirSync(dir).filter((name) => name.startsWith('_') && name.endsWith('.hbs'))) {
    instance.registerPartial(file.slice(1, -4), read(file.slice(0, -4)));
  }
  const options = { strict: false, preventIndent: true };
  const layout = instance.compile(read('layout'), options);
  const pages = new Map(pageNames.map((name) => [name, instance.compile(read(name), options)]));
  return (page, layoutView, view) => {
    const template = pages.get(page);
    if (!template) throw new Error(`no dashboard page "${page}"`);
    // Pages post forms: they get the session's CSRF token beside their own data.
    return layout({ ...layoutView, body: template({ csrf: layoutView.csrf, ...view }) });
  };
}
