// The glob dialect of `paramwise.listing.pairs` keys: `**`, `*`, `?`, `{a,b}`, like VS Code's
// files.associations. A pattern without '/' is matched against the basename as well.

const cache = new Map<string, RegExp>();

export function globMatches(pattern: string, path: string): boolean {
  const re = compile(pattern);
  if (re.test(path)) return true;
  return !pattern.includes('/') && re.test(path.slice(path.lastIndexOf('/') + 1));
}

function compile(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^${translate(pattern)}$`);
    cache.set(pattern, re);
  }
  return re;
}

function translate(glob: string): string {
  let out = '';
  let inBraces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` may match nothing at all, so `**/x.py` also matches `x.py`.
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      inBraces++;
      out += '(?:';
    } else if (c === '}' && inBraces) {
      inBraces--;
      out += ')';
    } else if (c === ',' && inBraces) out += '|';
    else out += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return out + ')'.repeat(inBraces);
}
