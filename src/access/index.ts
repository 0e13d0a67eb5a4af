export * from './mapping.js';
export * from './coverage.js';
export * from './sessions.js';
export * from './used.js';
export * from './granted.js';
export * from './review.js';
export * from './policygen.js';
export * from './report.js';
