/**
 * The brain of the mapping wizard: from a sample and a staged table, proposes
 * which columns are case, activity, timestamps, resource and lifecycle, types
 * the other columns from the whole file, and turns any detected timestamp
 * format into DuckDB SQL. `waybill ingest FILE --preview` and the upload API
 * call the same functions.
 */
export { detectTimestampFormat, parseTimestampText, type TimestampFormat, type TimestampKind } from './timestamp-format.ts';
export { DEFAULT_TIME_ZONE, timestampSql } from './timestamp-sql.ts';
export { type ColumnType, type ColumnTypeGuess, inferColumnTypes, inferTypeFromSample, type TypeCheck } from './column-types.ts';
export {
  type AttributeProposal,
  COMBINED_SEPARATOR,
  combinedSql,
  type FixedRoles,
  knownColumn,
  type MappingProposal,
  type MappingSample,
  proposeMapping,
  type Role,
  type RoleProposal,
  type TimestampProposal,
} from './propose-mapping.ts';
