// The design store's public surface.
export { DesignStore, type OpenOptions } from './store';
export { fingerprint, normalisedDesign, sha256 } from './fingerprint';
export * from './types';
