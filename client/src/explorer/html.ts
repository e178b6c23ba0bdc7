// The explorer page's HTML: a strict CSP (nothing but our nonce'd script, and styles and
// fonts from the extension's own folders), the stylesheets, and the bundle. No vscode
// import, so the browser tests serve exactly this page.

export interface PageResources {
  /** webview.cspSource: the origin asWebviewUri URLs are served from. */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  codiconUri: string;
  /** Scripts run before the page's own (the browser tests' acquireVsCodeApi stub). */
  preludeUris?: string[];
}

export function explorerHtml(r: PageResources): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${r.nonce}'`,
    `style-src ${r.cspSource}`,
    `font-src ${r.cspSource}`,
    `img-src ${r.cspSource} data:`,
  ].join('; ');
  const prelude = (r.preludeUris ?? [])
    .map((u) => `<script nonce="${r.nonce}" src="${attr(u)}"></script>`)
    .join('\n  ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" id="vscode-codicon-stylesheet" href="${attr(r.codiconUri)}">
  <link rel="stylesheet" href="${attr(r.styleUri)}">
  <title>Paramwise groups</title>
</head>
<body>
  ${prelude}
  <script nonce="${r.nonce}" src="${attr(r.scriptUri)}"></script>
</body>
</html>`;
}

/** 128 random bits, hex: a fresh nonce per page load. */
export function makeNonce(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
