/**
 * The plain-SQL floor: the same answers as Waybill's analyses, written directly on
 * the raw events as loaded by `read_csv`, the way an analyst would write them in
 * DuckDB (ties in timestamp broken by file order, as Waybill does). Waybill's
 * stored layout exists to beat these.
 */
export const FLOOR_INGEST = (csvPath: string) => `CREATE OR REPLACE TABLE raw AS SELECT * FROM read_csv(${csvPath}, header = true)`;

export const FLOOR_PROCESS_MAP = [
  `SELECT activity, count(*) AS events, count(DISTINCT order_id) AS cases FROM raw GROUP BY activity`,
  `WITH ordered AS (
     SELECT activity, lead(activity) OVER w AS next_activity,
            epoch(lead("timestamp") OVER w) - epoch("timestamp") AS seconds
     FROM raw WINDOW w AS (PARTITION BY order_id ORDER BY "timestamp", rowid)
   )
   SELECT activity, next_activity, count(*), avg(seconds), median(seconds), min(seconds), max(seconds),
          quantile_cont(seconds, 0.9), sum(seconds), stddev_samp(seconds)
   FROM ordered WHERE next_activity IS NOT NULL GROUP BY activity, next_activity`,
  `SELECT first_activity, count(*) FROM (SELECT arg_min(activity, "timestamp") AS first_activity FROM raw GROUP BY order_id) GROUP BY 1`,
  `SELECT last_activity, count(*) FROM (SELECT arg_max(activity, "timestamp") AS last_activity FROM raw GROUP BY order_id) GROUP BY 1`,
];

export const FLOOR_VARIANTS = [
  `WITH per_case AS (
     SELECT order_id, list(activity ORDER BY "timestamp", rowid) AS variant, epoch(max("timestamp")) - epoch(min("timestamp")) AS seconds
     FROM raw GROUP BY order_id
   )
   SELECT variant, count(*) AS cases, avg(seconds), median(seconds) FROM per_case GROUP BY variant ORDER BY cases DESC`,
];

export const FLOOR_CASE_DURATIONS = [
  `WITH per_case AS (SELECT epoch(max("timestamp")) - epoch(min("timestamp")) AS seconds FROM raw GROUP BY order_id),
        stats AS (SELECT min(seconds) AS lo, max(seconds) AS hi FROM per_case)
   SELECT (SELECT count(*) FROM per_case), (SELECT min(seconds) FROM per_case), (SELECT median(seconds) FROM per_case),
          (SELECT avg(seconds) FROM per_case), (SELECT max(seconds) FROM per_case), (SELECT quantile_cont(seconds, 0.9) FROM per_case),
          (SELECT list(n) FROM (SELECT least(floor((seconds - lo) / ((hi - lo) / 30)), 29) AS bin, count(*) AS n FROM per_case, stats GROUP BY bin))`,
];
