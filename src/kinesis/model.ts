import { loadServiceModel } from '../protocol/model.js';

/** AWS's Kinesis service model: the operations, shapes and constraints Sluice serves. */
export const kinesisModel = loadServiceModel('kinesis-2013-12-02.json');
