import type { BenchCase } from '../harness';
import { adamwBenches } from './adamw.bench';
import { attentionBenches } from './attention.bench';
import { crossentropyBenches } from './crossentropy.bench';
import { encoderBenches } from './encoder.bench';
import { geluBenches } from './gelu.bench';
import { gradNormBenches } from './grad_norm.bench';
import { layernormBenches } from './layernorm.bench';
import { matmulBackwardBenches } from './matmul_backward.bench';
import { matmulForwardBenches } from './matmul_forward.bench';
import { residualBenches } from './residual.bench';
import { sampleBenches } from './sample.bench';

/** Every kernel's bench cases, registered in one list, in the order a GPT step uses them. */
export const kernelBenches: BenchCase[] = [
  ...matmulForwardBenches,
  ...matmulBackwardBenches,
  ...encoderBenches,
  ...layernormBenches,
  ...geluBenches,
  ...residualBenches,
  ...attentionBenches,
  ...crossentropyBenches,
  ...adamwBenches,
  ...gradNormBenches,
  ...sampleBenches,
];
