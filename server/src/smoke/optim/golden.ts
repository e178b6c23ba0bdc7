// Replays files in the format of the golden optimizer-steps.json (real torch.optim runs; a
// copy lies in test/fixtures/golden/) on the current tfjs backend and reports the first
// disagreement of each case. Shared by the tests and `paramwise optim-check`.

import * as tf from '@tensorflow/tfjs-core';
import type { HyperValue } from './hyper.ts';
import { createOptimizer, type Optimizer } from './optimizer.ts';

/** A tensor as nested lists; a bare number is a 0-d tensor. */
export type Nested = number | Nested[];

export interface GoldenCase {
  name: string;
  optimizer: string;
  param_groups: Record<string, HyperValue>[];
  initial: Nested[][];
  grads: Nested[][][];
  after_step: Nested[][][];
}

export interface Mismatch {
  step: number;
  group: number;
  param: number;
  /** Flat (row-major) index of the worst element of that parameter. */
  index: number;
  expected: number;
  got: number;
}

export interface CaseOutcome {
  name: string;
  mismatch?: Mismatch;
  /** The case could not be replayed at all (bad shapes, unknown optimizer...). */
  error?: string;
}

/** float32 carries ~7 digits; 1e-4 relative leaves room for a few steps of rounding. */
export const FLOAT32_RTOL = 1e-4;

/** Parses and shape-checks a golden file; a message instead of a throw, for the CLI to print. */
export function parseGoldenFile(text: string): { cases: GoldenCase[] } | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { error: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const cases = (data as { cases?: unknown } | null)?.cases;
  if (!Array.isArray(cases)) return { error: "no 'cases' array" };
  const bad = cases.findIndex((c) => !looksLikeCase(c));
  if (bad >= 0) return { error: `case ${bad} lacks name/optimizer/param_groups/initial/grads/after_step` };
  return { cases: cases as GoldenCase[] };
}

function looksLikeCase(value: unknown): boolean {
  const c = value as Partial<GoldenCase> | null;
  return (
    typeof c?.name === 'string' &&
    typeof c.optimizer === 'string' &&
    [c.param_groups, c.initial, c.grads, c.after_step].every(Array.isArray)
  );
}

export function replayCase(golden: GoldenCase, rtol = FLOAT32_RTOL): CaseOutcome {
  const params: tf.Variable[][] = [];
  let optimizer: Optimizer | undefined;
  try {
    if (golden.initial.length !== golden.param_groups.length)
      throw new Error(
        `${golden.initial.length} groups of initial values for ${golden.param_groups.length} param groups`,
      );
    // Filled one variable at a time so that `finally` frees whatever was made before a bad shape.
    for (const group of golden.initial) {
      const made: tf.Variable[] = [];
      params.push(made);
      for (const value of group) made.push(toVariable(value));
    }
    optimizer = createOptimizer(
      golden.optimizer,
      golden.param_groups.map((hp, g) => ({ params: params[g], hp: { ...hp } })),
    );
    for (let step = 0; step < golden.grads.length; step++) {
      stepWith(optimizer, golden.grads[step]);
      const mismatch = firstMismatch(params, golden.after_step[step], rtol);
      if (mismatch) return { name: golden.name, mismatch: { step, ...mismatch } };
    }
    return { name: golden.name };
  } catch (error) {
    return { name: golden.name, error: error instanceof Error ? error.message : String(error) };
  } finally {
    optimizer?.dispose();
    params.flat().forEach((param) => param.dispose());
  }
}

/** The tidy frees the staging tensor; the variable keeps the data. */
function toVariable(value: Nested): tf.Variable {
  return tf.tidy(() => tf.variable(toTensor(value)));
}

/** The tidy frees the gradient tensors, also when a malformed one throws halfway. */
function stepWith(optimizer: Optimizer, grads: Nested[][]): void {
  tf.tidy(() => optimizer.step(grads.map((group) => group.map(toTensor))));
}

function firstMismatch(
  params: tf.Variable[][],
  expected: Nested[][] | undefined,
  rtol: number,
): Omit<Mismatch, 'step'> | undefined {
  if (!expected) throw new Error('after_step has fewer steps than grads');
  for (let group = 0; group < params.length; group++) {
    for (let param = 0; param < params[group].length; param++) {
      const want = flatten(expected[group]?.[param] ?? []);
      const got = params[group][param].dataSync();
      if (want.length !== got.length)
        throw new Error(`group ${group} param ${param}: after_step has ${want.length} values, the param ${got.length}`);
      const worst = worstElement(want, got, rtol);
      if (worst !== undefined) return { group, param, index: worst, expected: want[worst], got: got[worst] };
    }
  }
  return undefined;
}

/**
 * Index of the element farthest outside `rtol` relative error, if any is. Purely relative, as the
 * golden README states it: an expected exact 0 must come out exactly 0, and NaN never matches.
 */
export function worstElement(expected: readonly number[], got: ArrayLike<number>, rtol: number): number | undefined {
  let worst: number | undefined;
  let worstExcess = 1;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(got[i] - expected[i]) / (rtol * Math.abs(expected[i]));
    // NaN here is 0/0 (both exactly zero: a match) or a NaN on either side (a failure).
    const failed = Number.isNaN(excess) ? got[i] !== expected[i] : excess > worstExcess;
    if (failed) {
      worst = i;
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
    }
  }
  return worst;
}

export function toTensor(value: Nested): tf.Tensor {
  return tf.tensor(flatten(value), shapeOf(value), 'float32');
}

function shapeOf(value: Nested): number[] {
  const shape: number[] = [];
  for (let level: Nested = value; Array.isArray(level); level = level[0] ?? 0) shape.push(level.length);
  return shape;
}

function flatten(value: Nested): number[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}
