import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Dashboard sessions live in a signed cookie, so any web process can read them without shared
 * state. The CSRF token is derived from the session's random id: a synchronizer token that needs
 * no server-side storage and changes with every sign-in.
 */
const sessionSchema = z.object({
  sid: z.string().min(16),
  login: z.string().min(1),
  /** Repositories this person may see; null: all (token and local sign-ins). */
  repos: z.array(z.string()).nullable(),
  via: z.enum(['token', 'github', 'local']),
  /** Expiry, milliseconds since the epoch. */
  exp: z.number(),
});

export type Session = z.infer<typeof sessionSchema>;

export const sessionLifetimeMs = 12 * 60 * 60_000;

export function newSessionId(): string {
  return randomBytes(18).toString('base64url');
}

export function newSession(fields: Pick<Session, 'login' | 'repos' | 'via'>, nowMs: number): Session {
  return { sid: newSessionId(), ...fields, exp: nowMs + sessionLifetimeMs };
}

export function encodeSession(session: Session): string {
  return Buffer.from(JSON.stringify(session)).toString('base64url');
}

/** The session in a cookie value whose signature was already checked; null when malformed or expired. */
export function decodeSession(value: string, nowMs: number): Session | null {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = sessionSchema.safeParse(raw);
  if (!parsed.success || parsed.data.exp <= nowMs) return null;
  return parsed.data;
}

export function csrfTokenFor(secret: string, sid: string): string {
  return createHmac('sha256', secret).update(`csrf:${sid}`).digest('base64url');
}

/** Constant-time comparison of two secrets of any length (hashing first equalises the lengths). */
export function secretsEqual(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

export function csrfMatches(secret: string, sid: string, token: unknown): boolean {
  return typeof token === 'string' && token.length > 0 && secretsEqual(csrfTokenFor(secret, sid), token);
}

export function canSeeRepo(session: Session, repo: string): boolean {
  return session.repos === null || session.repos.includes(repo);
}
