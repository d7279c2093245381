import type { ZodError } from 'zod';

/** One problem with an input, addressed by where it is: `items.3.scale`, `ANONYMITY_K`, `body.answers`. */
export interface ProblemDetail {
  readonly path: string;
  readonly message: string;
}

export interface AppErrorOptions {
  readonly message?: string;
  /** Values for the placeholders of a catalog message. */
  readonly params?: Readonly<Record<string, string | number>>;
  readonly details?: readonly ProblemDetail[];
  readonly cause?: unknown;
}

/**
 * The one error type the server turns into an HTTP response (in `app.ts`, nowhere else).
 * Subclasses only set defaults; `message` is what a user may read (a catalog key, translated where
 * it is shown), so it never holds a stack, SQL or anything from a response.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: readonly ProblemDetail[];
  readonly params: Readonly<Record<string, string | number>>;

  constructor(status: number, code: string, message: string, options: AppErrorOptions = {}) {
    super(options.message ?? message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.details = options.details ?? [];
    this.params = options.params ?? {};
  }
}

export class ValidationError extends AppError {
  constructor(options: AppErrorOptions = {}) {
    super(400, 'validation-failed', 'error.validation', options);
  }
}

export class NotFoundError extends AppError {
  constructor(options: AppErrorOptions = {}) {
    super(404, 'not-found', 'error.not-found', options);
  }
}

export class ConflictError extends AppError {
  constructor(options: AppErrorOptions = {}) {
    super(409, 'conflict', 'error.conflict', options);
  }
}

/** Something on the server that the request needs is not working now (the PDF renderer): try later. */
export class UnavailableError extends AppError {
  constructor(options: AppErrorOptions = {}) {
    super(503, 'unavailable', 'error.unavailable', options);
  }
}

/** Start-up problems (configuration, questionnaire files): printed, and the process exits. */
export class StartupError extends Error {
  readonly details: readonly ProblemDetail[];

  constructor(message: string, details: readonly ProblemDetail[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
    this.details = details;
  }
}

/** Zod issues as `{path, message}` pairs, the path joined with dots (`items.3.text.en`). */
export function problemsFromZod(error: ZodError): ProblemDetail[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

export function fromZodError(error: ZodError, options: Omit<AppErrorOptions, 'details' | 'cause'> = {}): ValidationError {
  return new ValidationError({ ...options, details: problemsFromZod(error), cause: error });
}
