// Exports of action plans (pdf, docx, md, csv, xlsx, json, ics) and the JSON import.
export * from './exports.module';
export * from './plan-exports.service';
export * from './plan-import.service';
export * from './export-renderer';
export * from './export-file-name';
export * from './render/formats';
export * from './render/plan-report';
export * from './render/json';
