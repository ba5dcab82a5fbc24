import type { KernelSpec } from '../client/gpu/kernel';
import { matmulForwardSpec } from './matmul_forward';

/**
 * Every kernel spec in the library, in one list. Tests walk it: each spec must
 * match its WGSL's bindings and compile on the adapter, and every .wgsl file
 * in shaders/ must belong to a spec here (no kernel ships untested).
 */
export const kernelSpecs: readonly KernelSpec[] = [matmulForwardSpec as unknown as KernelSpec];
