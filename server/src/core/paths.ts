// POSIX path helpers for the config core. The core must run in the browser and in tests
// without `node:path`, and config paths are always written with '/' (MMEngine on Windows
// replaces '\\' in predefined variables too), so a tiny posix implementation is enough.

export function normalize(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(part);
  }
  const body = out.join('/');
  if (absolute) return '/' + body;
  return body || '.';
}

export function join(...parts: string[]): string {
  let acc = '';
  for (const part of parts) {
    if (!part) continue;
    acc = part.startsWith('/') || !acc ? part : `${acc}/${part}`;
  }
  return normalize(acc || '.');
}

export function dirname(path: string): string {
  const p = path.replace(/\/+$/, '');
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return p.slice(0, i);
}

export function basename(path: string): string {
  const p = path.replace(/\/+$/, '');
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Python's `osp.splitext(...)[1]`: the last '.' of the basename, not a leading one. */
export function extname(path: string): string {
  const base = basename(path);
  const i = base.lastIndexOf('.');
  return i > 0 ? base.slice(i) : '';
}

/** `osp.join(osp.dirname(from), rel)`, normalised so cycle detection compares like with like. */
export function resolveFrom(fromFile: string, rel: string): string {
  return join(dirname(fromFile), rel);
}
