/**
 * CPU references take either precision: Float32Array to compare with the GPU,
 * Float64Array for finite-difference gradient checks.
 */
export type FloatArray = Float32Array | Float64Array;
