// The tfjs Tensor methods that read values back to the host. Block code may never call them (a
// block's control flow depends on shapes and hyperparameters only): the static check
// static/host-read matches these names, and the sandbox's run-time guard makes them throw.
export const TENSOR_READ_METHODS = [
  'dataSync',
  'data',
  'array',
  'arraySync',
  'buffer',
  'bufferSync',
  'bytes',
  'print',
  'dataToGPU',
] as const;
