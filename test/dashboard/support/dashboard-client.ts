/** A minimal browser stand-in for HTTP-level dashboard tests: keeps cookies, reads CSRF tokens from forms. */
export interface PageResponse {
  status: number;
  location: string | null;
  headers: Headers;
  text: string;
}

export class DashboardClient {
  private readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async get(path: string): Promise<PageResponse> {
    const response = await fetch(`${this.baseUrl}${path}`, { redirect: 'manual', headers: { cookie: this.cookieHeader() } });
    this.remember(response);
    return { status: response.status, location: response.headers.get('location'), headers: response.headers, text: await response.text() };
  }

  async post(path: string, form: Record<string, string>): Promise<PageResponse> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    this.remember(response);
    return { status: response.status, location: response.headers.get('location'), headers: response.headers, text: await response.text() };
  }

  /** The CSRF token of the first form on a page. */
  static csrfOf(html: string): string {
    const match = /name="csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error('no CSRF token on the page');
    return match[1];
  }

  async signIn(token: string): Promise<PageResponse> {
    const page = await this.get('/dashboard/signin');
    return this.post('/dashboard/signin', { csrf: DashboardClient.csrfOf(page.text), token, next: '/dashboard' });
  }

  /** The session's CSRF token, read from the queue page's sign-out form. */
  async csrf(): Promise<string> {
    return DashboardClient.csrfOf((await this.get('/dashboard')).text);
  }
}
