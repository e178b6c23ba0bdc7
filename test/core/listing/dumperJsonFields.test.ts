// Every field of a dumper JSON listing, set to every JSON type it must not have: the reader
// never throws, and says which field is wrong (its JSON path), where it is written. A string
// `mro_qualified` once reached the resolver and ended as "mroQualified.some is not a function".

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readListing } from '../../../server/src/core/listing/index.ts';
import { formatJsonPath, type JsonPath } from '../../../server/src/core/listing/jsonFields.ts';
import { analyzeConfig } from '../../../server/src/core/service/index.ts';
import { loadConfig } from '../../../server/src/core/config/index.ts';
import { CONFORMANCE_MODELS } from './helpers.ts';

const WRONG: Record<string, unknown> = {
  string: 'x',
  number: 1.5,
  bool: true,
  null: null,
  array: [null],
  object: { x: [1] },
};

/** Values a field may have that the mutations would otherwise count as wrong. */
const ACCEPTS: Record<string, string[]> = {
  'meta.hooks.no_weight_decay': ['null'],
  'meta.hooks.group_matcher': ['null'],
  'meta.hooks.pretrained_cfg_classifier': ['null', 'string'],
  'meta.hooks.get_num_layers': ['null'],
  'meta.hooks.get_layer_depth': ['null'],
  'modules[].attrs': ['object'],
};

interface Field {
  path: JsonPath;
  /** The path with array indices left out, for ACCEPTS. */
  pattern: string;
  /** The kind of JSON value it has in the model: a string field set to another string is no mutation. */
  kind: string;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/** One field of each kind: the first module and parameter entries stand for all of them. */
function fieldsOf(model: Record<string, any>): Field[] {
  const out: Field[] = [];
  const add = (path: JsonPath) => {
    let value: any = model;
    for (const key of path) value = value[key];
    const pattern = formatJsonPath(path.map((s) => (typeof s === 'number' ? -1 : s))).replace(/\[-1\]/g, '[]');
    out.push({ path, pattern, kind: kindOf(value) });
  };
  for (const key of Object.keys(model)) if (key !== 'meta' && key !== 'modules' && key !== 'params') add([key]);
  add(['meta']);
  for (const key of Object.keys(model.meta)) {
    add(['meta', key]);
    if (key === 'hooks' || key === 'mmpretrain_backbone')
      for (const inner of Object.keys(model.meta[key])) add(['meta', key, inner]);
  }
  add(['modules']);
  add(['params']);
  const m = model.modules.findIndex((x: any) => x.params?.length && x.path);
  add(['modules', m]);
  for (const key of Object.keys(model.modules[m])) add(['modules', m, key]);
  add(['modules', m, 'params', 0]);
  for (const key of Object.keys(model.modules[m].params[0])) add(['modules', m, 'params', 0, key]);
  add(['params', 0]);
  for (const key of Object.keys(model.params[0])) add(['params', 0, key]);
  return out;
}

function mutated(model: unknown, path: JsonPath, value: unknown): string {
  const copy = structuredClone(model) as any;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key];
  at[path[path.length - 1]] = value;
  return JSON.stringify(copy, null, 1);
}

for (const file of ['mmp_vit_deit_tiny.json', 'timm_vit_tiny.json']) {
  test(`${file}: every field of the wrong JSON type is a problem naming it, never a throw`, () => {
    const model = JSON.parse(readFileSync(join(CONFORMANCE_MODELS, file), 'utf8'));
    const fields = fieldsOf(model);
    assert.ok(fields.length > 30, `${fields.length} fields`);
    let checked = 0;
    for (const { path, pattern, kind: own } of fields) {
      const name = formatJsonPath(path);
      for (const [kind, value] of Object.entries(WRONG)) {
        // Numbers stay: 1.5 is wrong where a whole number belongs, and arrays hold a null.
        if (ACCEPTS[pattern]?.includes(kind) || (kind === own && kind !== 'number' && kind !== 'array')) continue;
        const text = mutated(model, path, value);
        const { problems } = readListing(text, file);
        const named = problems.find((p) => /^[:[.]/.test(p.message.slice(name.length)) && p.message.startsWith(name));
        assert.ok(named, `${name} = ${kind}: ${JSON.stringify(problems)}`);
        assert.ok(named.span, name);
        // The span is the value written there (or, for an element, inside it).
        const shown = text.slice(named.span.start, named.span.end).replace(/\s+/g, '');
        assert.ok(shown && JSON.stringify(value).includes(shown), `${name} = ${kind}: span shows ${shown}`);
        checked++;
      }
    }
    assert.ok(checked > 150, `${checked} mutations`);
  });
}

test('a string mro_qualified is an error at its place, and the config is analysed without an internal error', () => {
  const model = JSON.parse(readFileSync(join(CONFORMANCE_MODELS, 'timm_vit_tiny.json'), 'utf8'));
  const text = mutated(model, ['modules', 1, 'mro_qualified'], 'torch.nn.modules.linear.Linear');
  const listing = readListing(text, 'model.json');
  const problem = listing.problems.find((p) => p.severity === 'error')!;
  assert.equal(problem.message, 'modules[1].mro_qualified: expected an array of strings, got a string.');
  assert.equal(text.slice(problem.span!.start, problem.span!.end), '"torch.nn.modules.linear.Linear"');
  const file = 'config.py';
  const config = loadConfig(
    file,
    { readFile: () => undefined },
    "optim_wrapper = dict(optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05))\n",
  );
  const analysis = analyzeConfig({ file, config, listing, sources: () => undefined });
  assert.ok(!analysis.diagnostics.some((d) => d.code === 'pw-internal-error'), JSON.stringify(analysis.diagnostics));
});

test('a module with the module_id of its ancestor is an error at that id', () => {
  const modules = [
    { path: '', class: 'M', module_id: 7, params: [] },
    { path: 'a', class: 'Linear', module_id: 8, params: [{ name: 'w', shape: [2], tensor_id: 0 }] },
    { path: 'a.b', class: 'Sequential', module_id: 7, params: [] },
  ];
  const text = JSON.stringify({ modules }, null, 1);
  const { problems } = readListing(text, 'model.json');
  assert.deepEqual(
    problems.map((p) => [p.severity, p.message]),
    [
      [
        'error',
        "modules[2].module_id: module 'a.b' has the module_id of its ancestor '.' (7): a module cannot contain itself.",
      ],
    ],
  );
  assert.equal(text.slice(problems[0].span!.start, problems[0].span!.end), '7');
});

test('many bad entries stay within the problem bound, and the first ones are placed', () => {
  const params = Array.from({ length: 3000 }, (_, i) => ({ name: `p${i}`, shape: 'x' }));
  const text = JSON.stringify({ params });
  const { problems } = readListing(text, 'model.json');
  assert.equal(problems.length, 1001);
  assert.equal(problems[1000].code, 'listing-too-many-problems');
  assert.equal(
    problems[0].message,
    'params[0].shape: expected an array of whole numbers >= 0, got a string; the parameter is skipped.',
  );
  assert.equal(text.slice(problems[0].span!.start, problems[0].span!.end), '"x"');
});
