import { createMemoryStore } from '../src/store/memory-store.js';
import { describeStateStoreContract } from './contract/state-store-contract.js';

describeStateStoreContract('memory', () => Promise.resolve(createMemoryStore()));
