// The page's only link to the extension host: VS Code injects acquireVsCodeApi() into the
// webview (callable once); the browser tests inject a stub with the same shape.

import type { PageToHost } from '../../server/src/protocol/webview.ts';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(message: PageToHost): void {
  api.postMessage(message);
}

export const getState = (): unknown => api.getState();
export const setState = (state: unknown): void => api.setState(state);
