// No check may crash on a real configuration: every conformance case (mmengine, mmpretrain,
// timm, ConvNeXt, BEiT) is analysed in the layout a user would write it, and with every
// hover, lens and completion position of its text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePyJson } from '../../../server/src/core/json/pyJson.ts';
import { PyDict, PyList, type PyValue } from '../../../server/src/core/pyvalue.ts';
import { analyzeConfig, completionsAt, hoverAt, lensesFor } from '../../../server/src/core/service/index.ts';
import { model } from './helpers.ts';

const root = join(import.meta.dirname, '../../fixtures/conformance');
const cases = existsSync(join(root, 'cases'))
  ? readdirSync(join(root, 'cases'))
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];

/** The top-level config a user would write for a case. */
function userConfig(c: PyDict): PyDict {
  const scheme = String(c.get('scheme'));
  const config = c.get('config') as PyDict;
  const out = new PyDict();
  if (scheme.startsWith('timm.')) {
    const kwargs = config.get('kwargs');
    if (kwargs instanceof PyDict) for (const [k, v] of kwargs.items) out.set(k, v);
    if (!out.has('opt')) out.set('opt', 'sgd');
  } else if (scheme === 'convnext.layer_decay' || scheme === 'beit.layer_decay') {
    const args = config.get('args');
    if (args instanceof PyDict) for (const [k, v] of args.items) out.set(k, v);
    out.set('scheme', scheme.split('.')[0]);
  } else out.set('optim_wrapper', config);
  return out;
}

test('every conformance case analyses without an internal error', () => {
  assert.ok(cases.length > 0, `no conformance cases in ${join(root, 'cases')}`);
  for (const file of cases) {
    const text = readFileSync(join(root, 'cases', file), 'utf8');
    const c = parsePyJson(text, file).value as PyDict;
    const listing = model(String(c.get('model')));
    const config = { root: userConfig(c), diagnostics: [], files: [file], baseLinks: [] };
    const a = analyzeConfig({ file, config, listing, sources: (f) => (f === file ? text : undefined) });
    const internal = a.diagnostics.filter((d) => d.code === 'pw-internal-error');
    assert.deepEqual(
      internal.map((d) => d.message),
      [],
      file,
    );
    for (let offset = 0; offset < text.length; offset += Math.ceil(text.length / 40)) {
      hoverAt(a, file, offset);
      completionsAt(a, file, offset);
    }
    lensesFor(a, file);
    const listingFile = listing.listing.file;
    for (const p of listing.listing.params.slice(0, 5)) if (p.span) hoverAt(a, listingFile, p.span.start);
  }
});

test('values the evaluator could not reduce do not break the checks', () => {
  const weird: PyValue[] = [null, 'x', 3n, new PyList([1n]), new PyDict()];
  for (const v of weird) {
    const root = new PyDict();
    const ow = new PyDict();
    const optimizer = new PyDict();
    optimizer.set('type', v);
    optimizer.set('lr', v);
    optimizer.set('weight_decay', v);
    ow.set('optimizer', optimizer);
    ow.set('paramwise_cfg', v);
    ow.set('constructor', v);
    root.set('optim_wrapper', ow);
    root.set('param_scheduler', v);
    const a = analyzeConfig({
      file: '/c.py',
      config: { root, diagnostics: [], files: ['/c.py'], baseLinks: [] },
      listing: model('mmengine_doc_toy'),
    });
    assert.deepEqual(
      a.diagnostics.filter((d) => d.code === 'pw-internal-error').map((d) => d.message),
      [],
    );
  }
});
