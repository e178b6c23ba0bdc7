// The `# paramwise: params=<listing>` directive a config may carry (see examples/), read without
// the language server so the task works before (or without) a pairing.

export function findListingDirective(configText: string): string | undefined {
  const match = /^\s*#\s*paramwise:.*\bparams=([^\s,]+)/m.exec(configText);
  return match?.[1];
}
