// Lr schedules, statically: MMEngine `param_scheduler` (computeSchedule), mmcv 1.x `lr_config`
// (computeLegacyLrConfig), and both read from a loaded config (scheduleFromConfig). Pure core:
// config values in, per-iteration lrs and diagnostics out; no fs, no LSP.

export * from './types.ts';
export { computeSchedule } from './mmengine.ts';
export { computeLegacyLrConfig, type LegacyLrRequest } from './legacy.ts';
export { scheduleFromConfig, type ConfigScheduleOptions, type ScheduleSource } from './fromConfig.ts';
