export * from './KargoClient';
