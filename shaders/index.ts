import type { KernelSpec } from '../client/gpu/kernel';
import { adamwSpecs } from './adamw';
import { attentionSpecs } from './attention';
import { attentionMaterialisedSpecs } from './attention_materialised';
import { crossentropySpecs } from './crossentropy';
import { encoderSpecs } from './encoder';
import { geluSpecs } from './gelu';
import { gradNormSpecs } from './grad_norm';
import { layernormSpecs } from './layernorm';
import { matmulBackwardSpecs } from './matmul_backward';
import { matmulForwardSpecs } from './matmul_forward';
import { residualSpecs } from './residual';
import { sampleSpecs } from './sample';

/**
 * Every kernel spec in the library, in one list. Tests walk it: each spec must
 * match its WGSL's bindings and compile on the adapter, and every .wgsl file
 * in shaders/ must belong to a spec here (no kernel ships untested).
 */
export const kernelSpecs: readonly KernelSpec[] = [
  ...matmulForwardSpecs,
  ...matmulBackwardSpecs,
  ...encoderSpecs,
  ...layernormSpecs,
  ...geluSpecs,
  ...residualSpecs,
  ...attentionSpecs,
  ...attentionMaterialisedSpecs,
  ...crossentropySpecs,
  ...adamwSpecs,
  ...gradNormSpecs,
  ...sampleSpecs,
] as unknown as readonly KernelSpec[];
