export * from './wildcard.js';
export * from './catalog.js';
export * from './policy.js';
export * from './evaluate.js';
export * from './grants.js';
export * from './authdetails.js';
