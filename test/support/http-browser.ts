import { recordSecret, SECRET_FIELD } from './log-capture';

/**
 * A minimal browser over HTTP for end-to-end tests: keeps cookies per host, follows redirects by hand (so that a test
 * sees where it is sent), reads forms and their CSRF token from the pages.
 */
export class HttpBrowser {
  private readonly cookies = new Map<string, Map<string, string>>();
  /** Headers sent with every request (`X-Forwarded-For` as a proxy would add it, say). */
  headers: Record<string, string> = {};

  /** GET, following redirects while they stay on `stayOn` (the platform); returns the last response and its URL. */
  async get(url: string, stayOn?: string): Promise<{ url: string; status: number; body: string; location?: string }> {
    return this.request('GET', url, undefined, stayOn);
  }

  /** Drops a cookie, as its expiry would (a first-party session ended on this device only). */
  forget(url: string, name: string): void {
    this.cookies.get(new URL(url).host)?.delete(name);
  }

  /** A GET with the cookies, its response untouched (a download). */
  async download(url: string): Promise<Response> {
    return fetch(url, { headers: { cookie: this.cookieHeader(new URL(url).host) }, redirect: 'manual' });
  }

  async post(
    url: string,
    /** A list, or a `URLSearchParams`, sends a field several times (checkboxes). */
    form: Record<string, string | string[]> | URLSearchParams,
    stayOn?: string,
    files?: Record<string, { name: string; type: string; data: Buffer }>,
  ): Promise<{ url: string; status: number; body: string; location?: string }> {
    // A list: several boxes of one name ticked, sent as repeated fields.
    const pairs: Array<[string, string]> =
      form instanceof URLSearchParams
        ? [...form]
        : Object.entries(form).flatMap(([name, value]) =>
            (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v]),
          );
    if (!files) return this.request('POST', url, new URLSearchParams(pairs), stayOn);
    // multipart/form-data, the fields first (as a browser sends them, in the order of the form).
    const multipart = new FormData();
    for (const [name, value] of pairs) multipart.append(name, value);
    for (const [name, file] of Object.entries(files)) {
      multipart.append(name, new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
    }
    return this.request('POST', url, multipart, stayOn);
  }

  /** Submits the page's form whose action matches `action`, with its hidden fields and `fields`. */
  async submit(
    page: { url: string; body: string },
    action: RegExp,
    fields: Record<string, string | string[]>,
    stayOn?: string,
    files?: Record<string, { name: string; type: string; data: Buffer }>,
  ): Promise<{ url: string; status: number; body: string; location?: string }> {
    const forms = [...page.body.matchAll(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)];
    const form = forms.find(([, formAction]) => action.test(formAction));
    if (!form) throw new Error(`Aucun formulaire ${String(action)} sur ${page.url} :\n${page.body.slice(0, 2000)}`);
    const hidden = Object.fromEntries(
      [...form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map(([, name, value]) => [
        name,
        decode(value),
      ]),
    );
    return this.post(new URL(decode(form[1]), page.url).toString(), { ...hidden, ...fields }, stayOn, files);
  }

  private async request(
    method: 'GET' | 'POST',
    url: string,
    body: URLSearchParams | FormData | undefined,
    stayOn: string | undefined,
  ): Promise<{ url: string; status: number; body: string; location?: string }> {
    if (body instanceof URLSearchParams || body instanceof FormData) {
      for (const [name, value] of body) if (SECRET_FIELD.test(name) && typeof value === 'string') recordSecret(value);
    }
    let current = url;
    let currentMethod = method;
    let currentBody = body;
    for (let hops = 0; hops < 20; hops++) {
      const target = new URL(current);
      const res = await fetch(current, {
        method: currentMethod,
        body: currentBody,
        redirect: 'manual',
        headers: { ...this.headers, cookie: this.cookieHeader(target.host), accept: 'text/html' },
      });
      this.store(target.host, res.headers.getSetCookie());
      const location = res.headers.get('location');
      if (location) recordSecret(new URL(location, current).searchParams.get('code') ?? undefined);
      if (location && res.status >= 300 && res.status < 400) {
        const next = new URL(location, current).toString();
        if (stayOn && !next.startsWith(stayOn))
          return { url: current, status: res.status, body: await res.text(), location: next };
        current = next;
        currentMethod = 'GET';
        currentBody = undefined;
        continue;
      }
      return { url: current, status: res.status, body: await res.text() };
    }
    throw new Error(`Trop de redirections depuis ${url}`);
  }

  /** The `Cookie` header this browser sends to the host of `url`. */
  cookieHeaderFor(url: string): string {
    return this.cookieHeader(new URL(url).host);
  }

  /** A cookie this browser holds for the host of `url`. */
  cookie(url: string, name: string): string | undefined {
    return this.cookies.get(new URL(url).host)?.get(name);
  }

  /** Gives the browser a cookie for the host of `url` (one carried over from another browser). */
  setCookie(url: string, name: string, value: string): void {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    jar.set(name, value);
    this.cookies.set(host, jar);
  }

  private cookieHeader(host: string): string {
    return [...(this.cookies.get(host) ?? new Map<string, string>())]
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
  }

  private store(host: string, setCookies: string[]): void {
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((a) => /max-age=0|expires=thu, 01 jan 1970/i.test(a.trim()));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(host, jar);
  }
}

function decode(value: string): string {
  return value
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}
