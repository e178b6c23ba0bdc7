// Diagnostics per file are the union of what every analysis says about it: a `_base_` file
// shared by two open configs hears from both, and an open listing hears from its own parse and
// from the configs paired with it. Each analysis (owner) replaces only its own contribution.

import type { Connection, Diagnostic } from 'vscode-languageserver/node';

export class Publisher {
  /** owner uri → target uri → diagnostics */
  private readonly contributions = new Map<string, Map<string, Diagnostic[]>>();
  /** what was last sent per target, to skip identical re-sends */
  private readonly sent = new Map<string, string>();

  constructor(private readonly connection: Connection) {}

  set(owner: string, byTarget: Map<string, Diagnostic[]>): void {
    const before = this.contributions.get(owner);
    this.contributions.set(owner, byTarget);
    this.publish(new Set([owner, ...(before?.keys() ?? []), ...byTarget.keys()]), owner);
  }

  clear(owner: string): void {
    const before = this.contributions.get(owner);
    if (!before) return;
    this.contributions.delete(owner);
    this.publish(new Set(before.keys()));
  }

  /** The owner's own file is always re-sent: clients (and the tests) read it as "analysed". */
  private publish(targets: Set<string>, owner?: string): void {
    for (const uri of targets) {
      const merged = this.merged(uri);
      const key = JSON.stringify(merged);
      if (uri !== owner && this.sent.get(uri) === key) continue;
      this.sent.set(uri, key);
      void this.connection.sendDiagnostics({ uri, diagnostics: merged });
    }
  }

  private merged(uri: string): Diagnostic[] {
    const seen = new Set<string>();
    const out: Diagnostic[] = [];
    for (const byTarget of this.contributions.values()) {
      for (const d of byTarget.get(uri) ?? []) {
        const key = `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}|${d.code}|${d.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(d);
      }
    }
    return out;
  }
}
