// The optim_wrapper settings a smoke run reproduces, read from wherever the config's framework
// keeps them: MMEngine `optim_wrapper` (type, accumulative_counts, clip_grad), mmcv 1.x
// `optimizer_config` (grad_clip, cumulative_iters), timm arguments (clip_grad, clip_mode).

import { PyDict, toNumber, type PyValue } from '../core/pyvalue.ts';
import { typeName } from '../core/resolve/cfg.ts';
import type { ClipGradConfig, OptimWrapperOptions } from './optim/wrapper.ts';

export interface WrapperSettings {
  options: OptimWrapperOptions;
  type: string;
  clipText?: string;
  notes: string[];
}

export function wrapperSettings(root: PyDict): WrapperSettings {
  const ow = root.get('optim_wrapper');
  if (ow instanceof PyDict) return mmengine(ow);
  const hook = root.get('optimizer_config');
  if (hook instanceof PyDict) return mmcvHook(hook);
  const timmClip = toNumber(root.get('clip_grad'));
  if (timmClip !== undefined) {
    const mode = String(root.get('clip_mode') ?? 'norm');
    const clip: ClipGradConfig = mode === 'value' ? { type: 'value', clip_value: timmClip } : { max_norm: timmClip };
    return {
      options: { clip_grad: clip },
      type: 'timm train loop',
      clipText: describeClip(clip),
      notes: mode === 'agc' ? ['clip_mode agc is not simulated: clipped by norm instead'] : [],
    };
  }
  return { options: {}, type: 'OptimWrapper', notes: [] };
}

function mmengine(ow: PyDict): WrapperSettings {
  const type = typeName(ow.get('type')) ?? 'OptimWrapper';
  const notes: string[] = [];
  if (type === 'AmpOptimWrapper')
    notes.push(
      'AmpOptimWrapper: mixed precision is not simulated; the run stays float32 (no fp16 overflow, no loss-scale skips)',
    );
  else if (type !== 'OptimWrapper') notes.push(`${type}: run as a plain OptimWrapper`);
  const clip = clipConfig(ow.get('clip_grad'));
  const counts = toNumber(ow.get('accumulative_counts'));
  const options: OptimWrapperOptions = {
    ...(counts !== undefined ? { accumulative_counts: counts } : {}),
    ...(clip ? { clip_grad: clip } : {}),
  };
  return { options, type, clipText: clip && describeClip(clip), notes };
}

function mmcvHook(hook: PyDict): WrapperSettings {
  const clip = clipConfig(hook.get('grad_clip'));
  const counts = toNumber(hook.get('cumulative_iters'));
  const type = typeName(hook.get('type')) ?? 'OptimizerHook';
  const notes = /Fp16/.test(type) ? [`${type}: mixed precision is not simulated; the run stays float32`] : [];
  return {
    options: { ...(counts !== undefined ? { accumulative_counts: counts } : {}), ...(clip ? { clip_grad: clip } : {}) },
    type,
    clipText: clip && describeClip(clip),
    notes,
  };
}

function clipConfig(value: PyValue | undefined): ClipGradConfig | undefined {
  if (!(value instanceof PyDict)) return undefined;
  const clip: ClipGradConfig = {};
  const type = value.get('type');
  if (type === 'norm' || type === 'value') clip.type = type;
  for (const key of ['max_norm', 'norm_type', 'clip_value'] as const) {
    const raw = value.get(key);
    const n =
      typeof raw === 'string' && /^-?inf$/.test(raw) ? (raw.startsWith('-') ? -Infinity : Infinity) : toNumber(raw);
    if (n !== undefined) clip[key] = n;
  }
  if (value.get('error_if_nonfinite') === true) clip.error_if_nonfinite = true;
  return clip;
}

function describeClip(clip: ClipGradConfig): string {
  return clip.type === 'value'
    ? `clip_grad_value_(${clip.clip_value})`
    : `clip_grad_norm_(max_norm=${clip.max_norm}, norm_type=${clip.norm_type ?? 2})`;
}
