// Proxy models built from listings: the family recognised, the real depth kept, every listed
// parameter present under its own name, widths scaled consistently (module kinds unchanged),
// tied weights one variable, and the fallback when the listing cannot be chained.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readListing } from '../../server/src/core/listing/index.ts';
import type { ModelListing } from '../../server/src/core/listing/model.ts';
import { buildProxy, type ProxySpec, type Step } from '../../server/src/smoke/proxy/index.ts';
import { autoDivisor, scaleDim } from '../../server/src/smoke/proxy/scale.ts';

const models = join(import.meta.dirname, '../fixtures/conformance/models');
const fixtures = join(__dirname, 'fixtures');

function listingOf(file: string): ModelListing {
  return readListing(readFileSync(file), file).listing;
}

function steps(program: readonly Step[]): Step[] {
  return program.flatMap((s) => (s.op === 'block' ? [s, ...steps(s.body), ...steps(s.skip ?? [])] : [s]));
}

const count = (proxy: ProxySpec, op: Step['op']) => steps(proxy.program).filter((s) => s.op === op).length;

test('a timm ViT: transformer family, 12 blocks as 24 pre-norm residual branches, every name kept', () => {
  const listing = listingOf(join(models, 'timm_vit_tiny.json'));
  const proxy = buildProxy(listing);
  assert.deepEqual(
    [proxy.source, proxy.family, proxy.widthDivisor, proxy.adapters, proxy.gated],
    ['listing', 'transformer', 8, 0, []],
  );
  assert.deepEqual(proxy.params.map((p) => p.name).sort(), listing.params.map((p) => p.name).sort());
  assert.deepEqual(
    [count(proxy, 'block'), count(proxy, 'attention'), count(proxy, 'tokens'), count(proxy, 'position')],
    [24, 12, 1, 1],
  );
  const shape = (name: string) => proxy.params.find((p) => p.name === name)?.shape;
  // 192 → 24, qkv 3·192 → 3·24, MLP 4·192 → 4·24, the patch kernel and 3 input channels unchanged.
  assert.deepEqual(
    [
      shape('blocks.0.attn.qkv.weight'),
      shape('blocks.0.mlp.fc1.weight'),
      shape('patch_embed.proj.weight'),
      shape('blocks.0.norm1.weight'),
    ],
    [[72, 24], [96, 24], [24, 3, 16, 16], [24]],
  );
  assert.deepEqual(proxy.input, { kind: 'image', height: 32, width: 32, channels: 3 });
});

test('a ResNet: residual blocks with their downsample shortcut, strides kept', () => {
  const proxy = buildProxy(listingOf(join(models, 'tv_resnet18.json')));
  const blocks = steps(proxy.program).filter((s): s is Extract<Step, { op: 'block' }> => s.op === 'block');
  assert.equal(proxy.family, 'convnet');
  assert.equal(blocks.length, 8);
  assert.equal(blocks.filter((b) => b.skip?.length).length, 3, 'layer2-4 open with a downsample shortcut');
  assert.deepEqual(steps(proxy.program).filter((s) => s.op === 'conv' && s.stride[0] === 2).length, 7);
});

test('depth-wise convolutions stay depth-wise at the scaled width (MobileNetV2, ConvNeXt)', () => {
  for (const model of ['tv_mobilenet_v2', 'timm_convnext_atto', 'convnextrepo_convnext_tiny']) {
    const proxy = buildProxy(listingOf(join(models, `${model}.json`)));
    const depthwise = steps(proxy.program).filter(
      (s): s is Extract<Step, { op: 'conv' }> => s.op === 'conv' && s.depthwise,
    );
    assert.ok(depthwise.length >= 10, model);
    for (const conv of depthwise) {
      const weight = proxy.params.find((p) => p.name === conv.weight);
      assert.equal(weight?.shape[1], 1, `${conv.path} keeps one input channel per group`);
      assert.equal(conv.groups, weight?.shape[0]);
    }
    assert.deepEqual([proxy.adapters, proxy.gated.length], [0, 0], model);
  }
});

test('tied weights are one variable; a GPT reads token ids and its tied head closes it', () => {
  const proxy = buildProxy(listingOf(join(models, 'gpt_tied.json')));
  const linears = steps(proxy.program).filter((s): s is Extract<Step, { op: 'linear' }> => s.op === 'linear');
  assert.equal(linears.at(-1)?.weight, 'transformer.wte.weight');
  assert.equal(proxy.params.filter((p) => p.tensorId === 0).length, 1);
  assert.equal(proxy.input.kind, 'ids');
  assert.equal(count(proxy, 'norm'), 5);
});

test('frozen parameters stay in the proxy, not trainable', () => {
  const proxy = buildProxy(listingOf(join(fixtures, 'tied_frozen.json')));
  assert.deepEqual(
    proxy.params.filter((p) => !p.trainable).map((p) => p.name),
    ['frozen.weight', 'frozen.bias'],
  );
});

test('width scale: one divisor for every width; automatic keeps the typical width at most 32', () => {
  assert.deepEqual(
    [scaleDim(768, 16), scaleDim(3072, 16), scaleDim(2304, 16), scaleDim(3, 16), scaleDim(1000, 16)],
    [48, 192, 144, 3, 63],
  );
  assert.equal(autoDivisor(listingOf(join(models, 'tv_vit_b_16.json'))), 32);
  const half = buildProxy(listingOf(join(models, 'timm_vit_tiny.json')), { widthScale: 0.5 });
  assert.equal(half.params.find((p) => p.name === 'blocks.0.attn.qkv.weight')?.shape.join(), '288,96');
});

test('a listing whose layers do not chain falls back to the PyTorch transformer, and says why', () => {
  const listing = listingOf(join(models, 'timm_vit_tiny.json'));
  const conv1d: ModelListing = {
    ...listing,
    modules: listing.modules.map((m) =>
      m.path === 'blocks.0.mlp.fc1'
        ? { ...m, className: 'Conv1d', mro: ['Conv1d'], mroQualified: ['torch.nn.modules.conv.Conv1d'] }
        : m,
    ),
  };
  const proxy = buildProxy(conv1d);
  assert.deepEqual([proxy.source, proxy.family], ['fallback', 'fallback-transformer']);
  assert.match(proxy.fallbackReason ?? '', /unsupported layer kinds: blocks\.0\.mlp\.fc1 \(Conv1d\)/);
  assert.deepEqual(proxy.params.map((p) => p.name).slice(0, 4), [
    'embedding.weight',
    'encoder.layers.0.self_attn.in_proj_weight',
    'encoder.layers.0.self_attn.in_proj_bias',
    'encoder.layers.0.self_attn.out_proj.weight',
  ]);
  assert.equal(
    proxy.listing.modules.find((m) => m.path === 'encoder.layers.1.norm2')?.mroQualified[0],
    'torch.nn.modules.normalization.LayerNorm',
  );
});
