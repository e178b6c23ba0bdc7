// Logging goes to the connection (the client's output channel), never to stdout: under
// --stdio, stdout is the LSP channel and one stray line corrupts the stream.

import type { Connection } from 'vscode-languageserver/node';

export class Logger {
  constructor(private readonly connection: Connection) {}

  info(message: string): void {
    this.connection.console.info(message);
  }

  error(message: string, error?: unknown): void {
    const detail =
      error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : error === undefined ? '' : String(error);
    this.connection.console.error(detail ? `${message}: ${detail}` : message);
  }
}

/**
 * Wraps a handler so that an exception becomes a logged error and an empty answer: a bug in
 * one feature must never take the server (and every other feature) down with it.
 */
export function guard<A extends unknown[], R>(
  log: Logger,
  name: string,
  empty: R,
  fn: (...args: A) => R | Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (e) {
      log.error(`paramwise: ${name} failed`, e);
      return empty;
    }
  };
}

/** Last line of defence: log what escaped every guard and keep serving. */
export function keepAlive(log: Logger): void {
  process.on('uncaughtException', (e) => log.error('paramwise: uncaught exception', e));
  process.on('unhandledRejection', (e) => log.error('paramwise: unhandled rejection', e));
}
