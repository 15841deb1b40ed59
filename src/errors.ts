/**
 * One catalogue of errors with stable codes. `audience: 'user'` problems are ones a maintainer
 * can fix (shown on the dashboard); `operator` problems go to the logs with their code.
 */
export type ErrorAudience = 'user' | 'operator';

export interface ErrorSpec {
  message: string;
  httpStatus?: number;
  audience: ErrorAudience;
  retryable: boolean;
}

export const errorCatalogue = {
  CONFIG_INVALID: { message: 'configuration is invalid', audience: 'operator', retryable: false },
  REPO_CONFIG_INVALID: { message: '.github/supportbot.yml is invalid', audience: 'user', retryable: false },
  KB_INVALID: { message: 'knowledge base is invalid', audience: 'operator', retryable: false },
  GITHUB_UNAVAILABLE: { message: 'GitHub answered with a server error', audience: 'operator', retryable: true },
  GITHUB_RATE_LIMITED: { message: 'GitHub rate limit reached', audience: 'operator', retryable: true },
  GITHUB_NETWORK: { message: 'could not reach GitHub', audience: 'operator', retryable: true },
  GITHUB_FORBIDDEN: { message: 'GitHub refused the request (permissions)', audience: 'user', retryable: false },
  GITHUB_NOT_FOUND: { message: 'GitHub resource not found', audience: 'operator', retryable: false },
  GITHUB_UNPROCESSABLE: { message: 'GitHub rejected the request as invalid', audience: 'operator', retryable: false },
  JOB_PAYLOAD_INVALID: { message: 'job payload is not a usable webhook event', audience: 'operator', retryable: false },
  SIMILAR_SNAPSHOT_INVALID: { message: 'similar-issue index snapshot is unusable', audience: 'operator', retryable: false },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCatalogue;

export class SbError extends Error {
  readonly code: ErrorCode;
  readonly audience: ErrorAudience;
  readonly retryable: boolean;
  readonly httpStatus?: number;
  /** Seconds GitHub asked us to wait, when it said. */
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, detail?: string, options: { cause?: unknown; httpStatus?: number; retryAfterSeconds?: number } = {}) {
    const spec: ErrorSpec = errorCatalogue[code];
    super(detail ? `${spec.message}: ${detail}` : spec.message, { cause: options.cause });
    this.name = 'SbError';
    this.code = code;
    this.audience = spec.audience;
    this.retryable = spec.retryable;
    this.httpStatus = options.httpStatus ?? spec.httpStatus;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isRetryable(error: unknown): boolean {
  if (error instanceof SbError) return error.retryable;
  // Anything we did not classify (a bug, a crash) is not retried blindly forever, but a few
  // tries cost little and cover transient failures we have not catalogued.
  return true;
}
