/**
 * GPT-2 style model configuration (llm.c's GPT2Config) and the presets people
 * pick from. A preset holds only what differs from the defaults.
 */

export interface GptConfig {
  /** Tokens the embedding and the LM head cover (256 for the byte tokenizer). */
  vocabSize: number;
  /** Longest sequence the model sees: rows of the position embedding wpe. */
  contextLength: number;
  /** Transformer blocks. */
  layers: number;
  /** Attention heads per block; channels must divide evenly among them. */
  heads: number;
  /** Width of the residual stream (C); the MLP is 4·C wide. */
  channels: number;
}

export const DEFAULT_GPT_CONFIG: GptConfig = {
  vocabSize: 256,
  contextLength: 64,
  layers: 4,
  heads: 4,
  channels: 128,
};

export const GPT_PRESETS = {
  /** For tests: a few seconds per hundred steps even on a CPU adapter. */
  tiny: { layers: 2, heads: 2, channels: 32, contextLength: 32 },
  /** nanoGPT's CPU configuration. */
  small: {},
  /** nanoGPT's Shakespeare character model. */
  baby: { layers: 6, heads: 6, channels: 384, contextLength: 256 },
} satisfies Record<string, Partial<GptConfig>>;

export type GptPresetName = keyof typeof GPT_PRESETS;

export function isGptPresetName(name: string): name is GptPresetName {
  return Object.hasOwn(GPT_PRESETS, name);
}

/** The config of a preset for a given vocabulary (the tokenizer decides V). */
export function gptPreset(name: GptPresetName, vocabSize: number): GptConfig {
  return validateGptConfig({ ...DEFAULT_GPT_CONFIG, ...GPT_PRESETS[name], vocabSize });
}

/** Largest head size the fused attention kernel supports. */
export const MAX_HEAD_SIZE = 128;

/** Throws a message naming the field when a config cannot be built; returns it otherwise. */
export function validateGptConfig(config: GptConfig): GptConfig {
  const positive = ['vocabSize', 'contextLength', 'layers', 'heads', 'channels'] as const;
  for (const field of positive) {
    const value = config[field];
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`GPT config: ${field} must be a positive integer (got ${value})`);
    }
  }
  if (config.channels % config.heads !== 0) {
    throw new RangeError(`GPT config: channels (${config.channels}) must be divisible by heads (${config.heads})`);
  }
  const headSize = config.channels / config.heads;
  if (headSize > MAX_HEAD_SIZE) {
    throw new RangeError(`GPT config: head size channels/heads = ${headSize} exceeds ${MAX_HEAD_SIZE}`);
  }
  if (config.vocabSize > 65536) {
    throw new RangeError(`GPT config: vocabSize ${config.vocabSize} exceeds 65536`);
  }
  return config;
}
