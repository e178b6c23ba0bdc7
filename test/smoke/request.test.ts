// The smoke runner's `--max-listing-mb`: parsed like the CLI's, and a listing over it stops the
// run before training with the core's message.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { configHost } from '../../server/src/node/configHost.ts';
import { nodeIO } from '../../server/src/node/io.ts';
import { prepare } from '../../server/src/smoke/prepare.ts';
import { parseSmokeArgs, type SmokeRequest } from '../../server/src/smoke/request.ts';

const root = join(import.meta.dirname, '../..');
const config = join(root, 'examples/vit_finetune.py');
const listing = join(root, 'examples/vit_tiny.params');

test('--max-listing-mb defaults to 256 MB and must be a positive number', () => {
  assert.equal((parseSmokeArgs([config, '--params', listing]) as SmokeRequest).maxListingBytes, 256 * 2 ** 20);
  assert.equal(
    (parseSmokeArgs([config, '--params', listing, '--max-listing-mb', '0.5']) as SmokeRequest).maxListingBytes,
    0.5 * 2 ** 20,
  );
  assert.deepEqual(parseSmokeArgs([config, '--params', listing, '--max-listing-mb', '0']), {
    error: '--max-listing-mb must be a positive number of megabytes',
  });
});

test("a listing over the limit stops the run with the core's message", () => {
  const host = { readBytes: (p: string) => readFileSync(p), config: configHost(nodeIO()) };
  const refused = prepare(
    parseSmokeArgs([config, '--params', listing, '--max-listing-mb', '0.01']) as SmokeRequest,
    host,
  );
  assert.ok('error' in refused);
  assert.match(
    refused.error,
    /vit_tiny\.params: The listing is 0\.0208 MB, over the limit of 0\.01 MB \(--max-listing-mb \/ paramwise\.analysis\.maxListingSizeMB\)/,
  );
  const read = prepare(parseSmokeArgs([config, '--params', listing]) as SmokeRequest, host);
  assert.ok(!('error' in read), JSON.stringify(read).slice(0, 300));
});
