// The file and URI helpers live in files/, the stage every host read goes through.
export * from '../files/uri.js';
