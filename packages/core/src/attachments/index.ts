export * from './attachment.service.js';
export * from './content-type.js';
export * from './file-name.js';
export * from './image.js';
export * from './avatar.service.js';
