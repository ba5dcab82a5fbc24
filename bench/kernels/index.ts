import type { BenchCase } from '../harness';
import { matmulForwardBenches } from './matmul_forward.bench';

/** Every kernel's bench cases, registered in one list. */
export const kernelBenches: BenchCase[] = [...matmulForwardBenches];
