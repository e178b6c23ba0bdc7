// Names in state dicts and checkpoints that are not what `model.named_parameters()` says:
// wrapper prefixes (DDP, torch.compile, FSDP, activation checkpointing) and buffers.

/** Buffers that torch and common model code register; a state dict lists them, named_parameters() does not. */
export const KNOWN_BUFFERS: ReadonlySet<string> = new Set([
  'running_mean',
  'running_var',
  'num_batches_tracked', // _BatchNorm
  'relative_position_index', // Swin, BEiT
  'position_ids',
  'token_type_ids', // Hugging Face embeddings
  'inv_freq', // rotary embeddings
  'masked_bias', // Hugging Face GPT-2 attention
]);

const BUFFER_NAMES = [...KNOWN_BUFFERS];

/** Called for every line of a dump: compares in place rather than cutting out the last segment. */
export function isKnownBuffer(name: string): boolean {
  const length = name.length - name.lastIndexOf('.') - 1;
  for (const buffer of BUFFER_NAMES) if (buffer.length === length && name.endsWith(buffer)) return true;
  return false;
}

const LEADING_WRAPPERS = ['module.', '_orig_mod.'];
const NESTED_WRAPPERS = ['_fsdp_wrapped_module.', '_checkpoint_wrapped_module.'];

/** The name the unwrapped model gives: DDP's `module.` and torch.compile's `_orig_mod.` in front, FSDP's anywhere. */
export function stripWrapperPrefixes(name: string): string {
  let out = name;
  for (let changed = true; changed;) {
    changed = false;
    for (const prefix of LEADING_WRAPPERS) {
      if (out.startsWith(prefix)) {
        out = out.slice(prefix.length);
        changed = true;
      }
    }
  }
  for (const wrapper of NESTED_WRAPPERS) {
    if (out.includes(wrapper)) out = out.split(wrapper).join('');
  }
  return out;
}
