/*
 * Ingest's one entry: the web, the CLI, the benchmarks and the analyses' fixtures
 * import from here, never from a file inside. The web's browser code imports types only.
 */
export { COMMAND_LINE, IngestError, type Remedy, type RemedyWording } from './errors.ts';
export { checkLogName, logNameProblem } from './loads.ts';
export {
  decideMapping,
  howDecided,
  roleChoices,
  type ColumnMapping,
  type DecidedBy,
  type MappingDecision,
  type MappingOverrides,
  type RoleChoice,
} from './mapping.ts';
export type { TimestampKind } from './infer/index.ts';
export type { BadRowPolicy, LogSummary } from './build-log.ts';
export { defaultLogName } from './log-name.ts';
export { detectFormat, type SourceFormat } from './stage.ts';
export { previewFile, type SourcePreview } from './preview.ts';
export { ingestLinkedFiles, parseObjectKeys, type LinkedOptions, type ObjectKey } from './linked.ts';
export { ingestFile, type IngestOptions, type IngestProgress, type IngestResult, type LoadMode, type LoadSummary } from './ingest-file.ts';
export {
  browserMessage,
  DEFAULT_INFLATED_LIMIT,
  DEFAULT_UPLOAD_LIMIT,
  DEFAULT_UPLOAD_MAX_AGE_MS,
  formPostError,
  UploadError,
  Uploads,
  type UploadState,
  type UploadStatus,
} from './upload.ts';
export * from './jobs/index.ts';
