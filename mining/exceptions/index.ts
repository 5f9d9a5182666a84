export {
  type DriverValue,
  type ExceptionChange,
  type ExceptionPeriod,
  type ExceptionPeriodPoint,
  type ExceptionTrends,
  type ExceptionTrendsOptions,
  type ExceptionTypeTrend,
  getExceptionTrends,
  OUTLIER_Z,
  type PeriodBy,
  type StepSplit,
} from './trends.ts';
export { DEFAULT_DRIVERS, DISTRIBUTION_EXCEPTIONS, type ExceptionDefinition } from './definitions.ts';
