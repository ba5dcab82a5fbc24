import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  type GptCheckpoint,
  readGptCheckpoint,
  writeGptCheckpoint,
} from '../../client/checkpoint/gpt-checkpoint';
import { readSafetensors, writeSafetensors } from '../../client/checkpoint/safetensors';
import { gptPreset } from '../../client/model/gpt-config';
import { gptParamLayout, initGptParams } from '../../client/model/gpt-params';
import { trainBpe } from '../../client/text/bpe-training';
import { ByteTokenizer } from '../../client/text/byte-tokenizer';

function checkpoint(overrides: Partial<GptCheckpoint> = {}): GptCheckpoint {
  const config = gptPreset('tiny', 256);
  const layout = gptParamLayout(config);
  return {
    config,
    tokenizer: new ByteTokenizer(),
    params: initGptParams(layout, 7),
    step: 120,
    trainLoss: 2.5,
    valLoss: 2.75,
    data: { description: 'names', hash: 'ab'.repeat(32), bytes: 59167 },
    seed: 1,
    parent: null,
    kernelVersion: '1',
    optimizer: null,
    training: { rngState: 12345, lr: 1e-3 },
    ...overrides,
  };
}

/** The error readGptCheckpoint throws for these bytes. */
function refusal(bytes: Uint8Array): CheckpointError {
  try {
    readGptCheckpoint(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(CheckpointError);
    return err as CheckpointError;
  }
  throw new Error('the checkpoint was accepted');
}

/** Rewrites a checkpoint's safetensors with edited metadata or tensors. */
function edited(bytes: Uint8Array, edit: (meta: Record<string, string>, names: string[]) => string[] | undefined) {
  const file = readSafetensors(bytes);
  const meta = { ...file.metadata };
  const names = [...file.tensors.keys()];
  const keep = edit(meta, names) ?? names;
  const tensors = keep.map((name) => {
    const t = file.tensors.get(name);
    if (!t) throw new Error(name);
    return { name, ...t };
  });
  return writeSafetensors(tensors, meta);
}

describe('GPT checkpoints (safetensors)', () => {
  it('round-trips parameters, tokenizer, metadata and optimizer state exactly', () => {
    const layout = gptParamLayout(gptPreset('tiny', 256));
    const m = initGptParams(layout, 8);
    const v = initGptParams(layout, 9).map(Math.abs);
    const original = checkpoint({ optimizer: { m, v }, parent: 'ckpt_parent' });
    const back = readGptCheckpoint(writeGptCheckpoint(original));
    expect(back.config).toEqual(original.config);
    expect(back.tokenizer.toJSON()).toEqual({ kind: 'byte', vocabSize: 256 });
    expect(new Uint32Array(back.params.buffer)).toEqual(new Uint32Array(original.params.buffer));
    expect(back.optimizer?.m).toEqual(m);
    expect(back.optimizer?.v).toEqual(v);
    expect({ ...back, params: null, tokenizer: null, optimizer: null }).toEqual({
      ...original,
      params: null,
      tokenizer: null,
      optimizer: null,
    });
  });

  it('stores one F32 tensor per parameter with its unpadded shape, readable by any safetensors reader', () => {
    const file = readSafetensors(writeGptCheckpoint(checkpoint()));
    expect(file.tensors.get('wte')?.shape).toEqual([256, 32]);
    expect(file.tensors.get('h.1.attn.qkv.w')?.shape).toEqual([96, 32]);
    expect(file.metadata.format).toBe('kindling-gpt');
    expect(JSON.parse(file.metadata.config ?? '')).toEqual(gptPreset('tiny', 256));
  });

  it('carries a BPE tokenizer and checks it against the vocabulary', () => {
    const tokenizer = trainBpe('the cat sat on the mat, the cat ate the rat. '.repeat(20), 270);
    const config = { ...gptPreset('tiny', 270) };
    const ckpt = checkpoint({ config, tokenizer, params: initGptParams(gptParamLayout(config), 3) });
    const back = readGptCheckpoint(writeGptCheckpoint(ckpt));
    expect(back.tokenizer.encode('the cat')).toEqual(tokenizer.encode('the cat'));
    const mismatched = edited(writeGptCheckpoint(ckpt), (meta) => {
      meta.tokenizer = JSON.stringify({ kind: 'byte', vocabSize: 256 });
      return undefined;
    });
    expect(refusal(mismatched).message).toContain('tokenizer has 256 tokens but config.vocabSize is 270');
  });

  it('refuses a corrupted header, a wrong format, bad metadata, missing and mis-shaped tensors', () => {
    const good = writeGptCheckpoint(checkpoint());
    const corrupt = good.slice();
    corrupt[8] = 0x7b; // '{' -> keep, then break the JSON a few bytes in
    corrupt[12] = 0x00;
    expect(refusal(corrupt).code).toBe('not-safetensors');
    expect(refusal(good.slice(0, 5)).code).toBe('not-safetensors');

    const notOurs = edited(good, (meta) => {
      meta.format = 'something-else';
      return undefined;
    });
    expect(refusal(notOurs).message).toContain('metadata.format is "something-else"');

    const badConfig = edited(good, (meta) => {
      meta.config = JSON.stringify({ ...gptPreset('tiny', 256), heads: 3 });
      return undefined;
    });
    expect(refusal(badConfig).message).toContain('channels (32) must be divisible by heads (3)');

    const missing = edited(good, (_, names) => names.filter((n) => n !== 'h.1.mlp.fc.b'));
    expect(refusal(missing).message).toContain("tensor 'h.1.mlp.fc.b' is missing");

    // The same tensors under a config 2x wider: every shape is wrong.
    const wider = edited(good, (meta) => {
      meta.config = JSON.stringify({ ...gptPreset('tiny', 256), channels: 64 });
      return undefined;
    });
    expect(refusal(wider).message).toContain("tensor 'wte' has shape [256, 32]; the config needs [256, 64]");

    const badStep = edited(good, (meta) => {
      meta.step = '-3';
      return undefined;
    });
    expect(refusal(badStep).message).toContain('metadata.step must be a non-negative integer');
  });
});
