import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Paths pino blanks out wherever they appear in a log object. */
const redactPaths = [
  'token', '*.token', 'secret', '*.secret', 'privateKey', '*.privateKey', 'password', '*.password',
  'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization',
  'req.headers.cookie', 'headers.cookie', 'req.headers["x-hub-signature-256"]', 'headers["x-hub-signature-256"]',
];

/**
 * The process logger: JSON lines, secrets redacted by key, and any secret value that slipped
 * into a message or error text replaced before the line is written.
 */
export function createLogger(options: { level: string; secrets?: string[]; destination?: DestinationStream }): Logger {
  const secrets = (options.secrets ?? []).filter((secret) => secret.length >= 4);
  const scrub = (line: string): string => {
    let out = line;
    for (const secret of secrets) {
      if (out.includes(secret)) out = out.split(secret).join('[Redacted]');
      // A PEM key or token may appear JSON-escaped inside the line.
      const escaped = JSON.stringify(secret).slice(1, -1);
      if (escaped !== secret && out.includes(escaped)) out = out.split(escaped).join('[Redacted]');
    }
    return out;
  };
  const target = options.destination ?? pino.destination({ dest: 1, sync: false });
  const destination: DestinationStream = secrets.length === 0 ? target : { write: (line: string) => target.write(scrub(line)) };
  return pino(
    {
      level: options.level,
      base: { service: 'supportbot' },
      redact: { paths: redactPaths, censor: '[Redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
