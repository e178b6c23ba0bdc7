// The explorer's shared fixture: timm ViT-Tiny (the conformance corpus's real listing) under
// mmpretrain layer decay with a warmup + cosine schedule, resolved through the real core.
// Core tests snapshot it; the browser tests feed it to the page.

import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadConfig } from '../../../server/src/core/config/index.ts';
import { readListing } from '../../../server/src/core/listing/index.ts';
import {
  explorerPayload,
  type ExplorerOptions,
  type ExplorerPayload,
} from '../../../server/src/core/explorer/index.ts';

export const REPO = join(import.meta.dirname, '../../..');
export const VIT_CONFIG = 'test/fixtures/explorer/vit_layer_decay/config.py';
export const VIT_LISTING = join(import.meta.dirname, '../../fixtures/conformance/models/timm_vit_tiny.json');

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(join(REPO, path), 'utf8');
  } catch {
    return undefined;
  }
};

/** Spans name files relative to the repository, so snapshots do not depend on the checkout. */
export function vitPayload(options: Partial<ExplorerOptions> = {}): ExplorerPayload {
  const config = loadConfig(VIT_CONFIG, { readFile: readText });
  const listing = readListing(readFileSync(VIT_LISTING), relative(REPO, VIT_LISTING));
  return explorerPayload(config.root, listing.listing, { configFile: VIT_CONFIG, ...options });
}
