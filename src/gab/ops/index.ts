// placeholder: helper A owns this folder
import type { Ops } from '../contract';
export declare const ops: Ops;
