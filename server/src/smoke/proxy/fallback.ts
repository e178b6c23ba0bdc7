// The proxy used when the listing's layers cannot be chained into a model: a small transformer
// classifier built from PyTorch modules, under the names PyTorch itself gives them
//   embedding = nn.Embedding(vocab, d)
//   encoder   = nn.TransformerEncoder(nn.TransformerEncoderLayer(d, heads, ff, dropout=0,
//                                    batch_first=True, norm_first=True), 2)
//   head      = nn.Linear(d, classes)          (mean over tokens before it)
// The config's rules are resolved against this listing, so every rule that can match these
// names applies (norm_decay_mult, bias_decay_mult, custom_keys on 'head', 'embedding', ...).

import type { FlatParam, LocalParam, ModelListing, ModuleEntry } from '../../core/listing/model.ts';
import { markActivations } from './program.ts';
import type { Init, ParamRole, ProxyParam, ProxySpec, Step } from './types.ts';

export const FALLBACK = {
  vocab: 32,
  tokens: 8,
  dModel: 64,
  heads: 4,
  feedForward: 128,
  layers: 2,
  classes: 10,
} as const;

const Q = {
  Module: 'torch.nn.modules.module.Module',
  Linear: 'torch.nn.modules.linear.Linear',
  NDQLinear: 'torch.nn.modules.linear.NonDynamicallyQuantizableLinear',
  LayerNorm: 'torch.nn.modules.normalization.LayerNorm',
  Embedding: 'torch.nn.modules.sparse.Embedding',
  MHA: 'torch.nn.modules.activation.MultiheadAttention',
  EncoderLayer: 'torch.nn.modules.transformer.TransformerEncoderLayer',
  Encoder: 'torch.nn.modules.transformer.TransformerEncoder',
  ModuleList: 'torch.nn.modules.container.ModuleList',
  Dropout: 'torch.nn.modules.dropout.Dropout',
};

interface Built {
  listing: ModelListing;
  params: ProxyParam[];
  program: Step[];
}

export function fallbackProxy(reason: string): ProxySpec {
  const { listing, params, program } = build();
  markActivations(program);
  return {
    source: 'fallback',
    family: 'fallback-transformer',
    widthDivisor: 1,
    input: { kind: 'ids', length: FALLBACK.tokens, vocab: FALLBACK.vocab },
    outputs: FALLBACK.classes,
    params,
    program,
    listing,
    gated: [],
    adapters: 0,
    fallbackReason: reason,
    notes: [
      `fallback: a ${FALLBACK.layers}-layer pre-norm nn.TransformerEncoder classifier (d_model ${FALLBACK.dModel}, ${FALLBACK.heads} heads, feed-forward ${FALLBACK.feedForward}); the config's rules were resolved against its PyTorch parameter names`,
    ],
  };
}

function build(): Built {
  const { vocab, dModel: d, feedForward: ff, classes } = FALLBACK;
  const b = new ListingBuilder();
  b.module('', 'FallbackTransformer', ['paramwise.smoke.FallbackTransformer']);
  const program: Step[] = [
    {
      op: 'embed',
      path: 'embedding',
      weight: b.module(
        'embedding',
        'Embedding',
        [Q.Embedding],
        [['weight', [vocab, d], 'embedding', { kind: 'normal', std: 1 }]],
      )[0],
      positional: false,
    },
  ];
  b.module('encoder', 'TransformerEncoder', [Q.Encoder]);
  b.module('encoder.layers', 'ModuleList', [Q.ModuleList]);
  for (let i = 0; i < FALLBACK.layers; i++) program.push(...encoderLayer(b, `encoder.layers.${i}`, d, ff));
  const [headW, headB] = b.module('head', 'Linear', [Q.Linear], linearParams(classes, d));
  program.push({ op: 'pool' }, { op: 'linear', path: 'head', weight: headW, bias: headB, act: false });
  return { listing: b.listing(), params: b.params, program };
}

/** torch registers self_attn, linear1, dropout, linear2, norm1, norm2, dropout1, dropout2. */
function encoderLayer(b: ListingBuilder, path: string, d: number, ff: number): Step[] {
  b.module(path, 'TransformerEncoderLayer', [Q.EncoderLayer]);
  const xavier: Init = { kind: 'uniform', bound: Math.sqrt(6 / (4 * d)) };
  const [inW, inB] = b.module(
    `${path}.self_attn`,
    'MultiheadAttention',
    [Q.MHA],
    [
      ['in_proj_weight', [3 * d, d], 'weight', xavier],
      ['in_proj_bias', [3 * d], 'bias', { kind: 'const', value: 0 }],
    ],
    { num_heads: FALLBACK.heads },
  );
  const [outW, outB] = b.module(
    `${path}.self_attn.out_proj`,
    'NonDynamicallyQuantizableLinear',
    [Q.NDQLinear, Q.Linear],
    [linearParams(d, d)[0], ['bias', [d], 'bias', { kind: 'const', value: 0 }]],
  );
  const [w1, b1] = b.module(`${path}.linear1`, 'Linear', [Q.Linear], linearParams(ff, d));
  b.module(`${path}.dropout`, 'Dropout', [Q.Dropout]);
  const [w2, b2] = b.module(`${path}.linear2`, 'Linear', [Q.Linear], linearParams(d, ff));
  const norm = (name: string) =>
    b.module(
      `${path}.${name}`,
      'LayerNorm',
      [Q.LayerNorm],
      [
        ['weight', [d], 'norm-weight', { kind: 'const', value: 1 }],
        ['bias', [d], 'norm-bias', { kind: 'const', value: 0 }],
      ],
    );
  const [n1w, n1b] = norm('norm1');
  const [n2w, n2b] = norm('norm2');
  b.module(`${path}.dropout1`, 'Dropout', [Q.Dropout]);
  b.module(`${path}.dropout2`, 'Dropout', [Q.Dropout]);
  return [
    {
      op: 'block',
      path: `${path}[self_attn]`,
      body: [
        { op: 'norm', path: `${path}.norm1`, kind: 'layer', weight: n1w, bias: n1b, groups: 1, eps: 1e-5 },
        {
          op: 'attention',
          path: `${path}.self_attn`,
          qkv: { weight: inW, bias: inB },
          proj: { weight: outW, bias: outB },
          heads: FALLBACK.heads,
        },
      ],
    },
    {
      op: 'block',
      path: `${path}[feed_forward]`,
      body: [
        { op: 'norm', path: `${path}.norm2`, kind: 'layer', weight: n2w, bias: n2b, groups: 1, eps: 1e-5 },
        { op: 'linear', path: `${path}.linear1`, weight: w1, bias: b1, act: false },
        { op: 'linear', path: `${path}.linear2`, weight: w2, bias: b2, act: false },
      ],
    },
  ];
}

type ParamDef = [name: string, shape: number[], role: ParamRole, init: Init];

/** nn.Linear's default init: weight and bias uniform in ±1/sqrt(in_features). */
function linearParams(out: number, inF: number): ParamDef[] {
  const init: Init = { kind: 'uniform', bound: 1 / Math.sqrt(inF) };
  return [
    ['weight', [out, inF], 'weight', init],
    ['bias', [out], 'bias', init],
  ];
}

class ListingBuilder {
  readonly params: ProxyParam[] = [];
  private readonly modules: ModuleEntry[] = [];
  private readonly flat: FlatParam[] = [];

  /** Adds a module (and its parameters, in order); returns the parameters' full names. */
  module(
    path: string,
    className: string,
    qualified: string[],
    defs: ParamDef[] = [],
    attrs: Record<string, unknown> = {},
  ): string[] {
    const mroQualified = [...qualified, Q.Module, 'builtins.object'];
    const locals: LocalParam[] = defs.map(([name, shape]) => ({
      name,
      shape,
      requiresGrad: true,
      tensorId: this.flat.length + defs.findIndex((d) => d[0] === name),
    }));
    this.modules.push({
      path,
      className,
      mroQualified,
      mro: mroQualified.map((q) => q.slice(q.lastIndexOf('.') + 1)),
      moduleId: this.modules.length,
      attrs,
      params: locals,
    });
    return defs.map(([name, shape, role, init], i) => {
      const full = path ? `${path}.${name}` : name;
      this.flat.push({ name: full, shape, requiresGrad: true, tensorId: locals[i].tensorId });
      this.params.push({
        name: full,
        tensorId: locals[i].tensorId,
        listingShape: shape,
        shape,
        trainable: true,
        role,
        init,
      });
      return full;
    });
  }

  listing(): ModelListing {
    return {
      modelId: 'paramwise_smoke_fallback',
      format: 'dumper-json',
      file: '<smoke fallback proxy>',
      env: 'torch',
      modules: this.modules,
      params: this.flat,
      hooks: {},
    };
  }
}
