/**
 * The SWA service's control plane: ONNX Runtime BatchNorm recalibration, SWAG sample models and
 * the crash-safe state store (everything of the SWA engine that needs ONNX Runtime or storage).
 * @module
 */
export {};
