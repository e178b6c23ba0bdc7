// The proxy model as plain data: which parameters exist (listing names, scaled shapes) and a
// small program of steps that the tfjs forward pass executes. Compiling to data first keeps
// every shape decision testable without tfjs and keeps the per-step forward free of choices.

import type { ModelListing } from '../../core/listing/model.ts';

export type ParamRole =
  'weight' | 'bias' | 'norm-weight' | 'norm-bias' | 'embedding' | 'token' | 'position' | 'scale' | 'other';

export type Init =
  { kind: 'uniform'; bound: number } | { kind: 'normal'; std: number } | { kind: 'const'; value: number };

export interface ProxyParam {
  /** The name named_parameters() gives it: what the resolved groups list. */
  name: string;
  tensorId: number;
  listingShape: number[];
  shape: number[];
  trainable: boolean;
  role: ParamRole;
  init: Init;
}

export type NormKind = 'batch' | 'layer' | 'group' | 'instance' | 'rms';

export interface LinearRef {
  weight: string;
  bias?: string;
}

export type Step =
  | { op: 'linear'; path: string; weight: string; bias?: string; act: boolean }
  | {
      op: 'conv';
      path: string;
      weight: string;
      bias?: string;
      stride: [number, number];
      pad: [number, number] | 'same';
      depthwise: boolean;
      groups: number;
      act: boolean;
    }
  | { op: 'norm'; path: string; kind: NormKind; weight?: string; bias?: string; groups: number; eps: number }
  | { op: 'embed'; path: string; weight: string; positional: boolean }
  | {
      op: 'attention';
      path: string;
      qkv: LinearRef | [LinearRef, LinearRef, LinearRef];
      proj?: LinearRef;
      heads: number;
      qBias?: string;
      vBias?: string;
      relPos?: string;
    }
  /** Learned tokens (cls/dist) put in front of the sequence. */
  | { op: 'tokens'; param: string }
  /** A learned position table added to the first rows of the sequence. */
  | { op: 'position'; param: string }
  /** A per-channel multiplier (LayerScale gamma). */
  | { op: 'scale'; param: string }
  /** A parameter the proxy has no place for: a scalar gate so it still gets a gradient. */
  | { op: 'gate'; param: string }
  /** Repeats or cuts features when the listing does not say how two widths connect. */
  | { op: 'adapt'; width: number }
  | { op: 'toTokens' }
  | { op: 'toImage'; height: number; width: number }
  /** Mean over positions before the classifier. */
  | { op: 'pool' }
  /** A residual unit: body(x) + (skip ? skip(x) : x). */
  | { op: 'block'; path: string; body: Step[]; skip?: Step[] };

export type InputSpec =
  | { kind: 'image'; height: number; width: number; channels: number }
  | { kind: 'tokens'; length: number; features: number }
  | { kind: 'ids'; length: number; vocab: number }
  | { kind: 'vector'; features: number };

export type ProxyFamily = 'transformer' | 'convnet' | 'linear-stack' | 'fallback-transformer';

export interface ProxySpec {
  source: 'listing' | 'fallback';
  family: ProxyFamily;
  /** Widths were divided by this (1 = unscaled). */
  widthDivisor: number;
  input: InputSpec;
  /** Width of the output (logits). */
  outputs: number;
  params: ProxyParam[];
  program: Step[];
  /** The listing the config's rules were resolved against (the user's, or the fallback's own). */
  listing: ModelListing;
  /** What a reader should know about how this proxy differs from the real model. */
  notes: string[];
  /** Names of parameters used only through a scalar gate. */
  gated: string[];
  adapters: number;
  /** Why the listing could not be used, when source is 'fallback'. */
  fallbackReason?: string;
}
