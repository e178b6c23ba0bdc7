// Random .params listings from a seeded generator: mostly in visit order, with the odd
// irregular line (a tie, a repeat, a missing class, two lines swapped).

const SEGMENTS = [
  'a',
  'b',
  'blocks',
  'norm',
  'attn',
  '0',
  '1',
  '2',
  '10',
  '01',
  'experts',
  'w1',
  'module',
  'conv_offset',
];
const LOCALS = ['weight', 'bias', 'scale', 'gamma'];
const CLASSES = [
  'Linear',
  'LayerNorm',
  'Conv2d(in_channels=4, groups=4)',
  'Conv2d',
  'BatchNorm2d',
  'timm.layers.norm.LayerNorm<LayerNorm>',
  'nn.Linear',
  'Linear',
  'LayerNorm',
  'Module',
  'Conv2d',
  'Linear',
];
/** Rare: a deformable conv makes the columns walk decline. */
const DCN = 'mmcv.ops.deform_conv.DeformConv2d';

/** A listing of random modules, mostly in visit order, with the occasional irregular line. */
export function randomListing(random: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const lines: string[] = [];
  if (random() < 0.3) lines.push(`.  ${pick(CLASSES)}`);
  if (random() < 0.2) lines.push('@model random', '# a comment');
  const paths: string[] = [];
  for (let i = 0, n = 1 + Math.floor(random() * 12); i < n; i++) {
    const depth = 1 + Math.floor(random() * 3);
    const path = Array.from({ length: depth }, () => pick(SEGMENTS)).join('.');
    paths.push(path);
  }
  const names: string[] = [];
  // Sorted, a set of paths is in visit order (parents first); repeats and irregular lines come by chance.
  for (const path of [...new Set(paths)].sort()) {
    if (random() < 0.1) lines.push(`${path}  ${pick(CLASSES)}`);
    const cls = random() < 0.02 ? DCN : pick(CLASSES);
    const locals = [...LOCALS].sort(() => random() - 0.5);
    for (let k = 0, n = 1 + Math.floor(random() * 3); k < n; k++) {
      const name = `${path}.${random() < 0.03 ? pick(LOCALS) : locals[k]}`;
      const shape = `[${Array.from({ length: Math.floor(random() * 4) }, () => 1 + Math.floor(random() * 8)).join(', ')}]`;
      const flags = [
        random() < 0.1 ? 'frozen' : '',
        random() < 0.05 ? 'dtype=bf16' : '',
        random() < 0.01 ? 'depth=1/4' : '',
      ]
        .filter(Boolean)
        .join(' ');
      const tie = random() < 0.05 && names.length ? `= ${pick(names)}` : '';
      const clsColumn = random() < 0.03 ? '' : random() < 0.02 ? pick(CLASSES) : cls;
      lines.push(`${name}  ${shape}  ${clsColumn}  ${flags}  ${tie}`.trimEnd());
      names.push(name);
    }
  }
  if (random() < 0.05 && lines.length > 2) {
    const i = Math.floor(random() * (lines.length - 1));
    [lines[i], lines[i + 1]] = [lines[i + 1], lines[i]];
  }
  return lines.join(random() < 0.1 ? '\r\n' : '\n') + '\n';
}
