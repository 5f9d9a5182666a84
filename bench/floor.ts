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

/** Cases by their own id, events ordered by time then file order: the staging every floor below starts from. */
const CASE_EVENTS = `SELECT order_id, activity, "timestamp" AS ts, rowid AS rn, warehouse, channel FROM raw`;

/** Queue aging at the log's last timestamp, the end activity given (as Waybill reports it), default buckets. */
export const FLOOR_QUEUE_AGING = (endActivities: readonly string[]) => [
  `WITH e AS (${CASE_EVENTS}),
        as_of AS (SELECT max(ts) AS t FROM e),
        last_event AS (SELECT order_id, arg_max(activity, (ts, rn)) AS activity, max(ts) AS since FROM e GROUP BY order_id),
        open AS (SELECT activity, epoch((SELECT t FROM as_of)) - epoch(since) AS age FROM last_event
                 WHERE activity NOT IN (${endActivities.map((a) => `'${a.replaceAll("'", "''")}'`).join(', ')}))
   SELECT activity, count(*), avg(age), max(age),
          count(*) FILTER (WHERE age < 86400), count(*) FILTER (WHERE age >= 86400 AND age < 259200),
          count(*) FILTER (WHERE age >= 259200 AND age < 604800), count(*) FILTER (WHERE age >= 604800)
   FROM open GROUP BY activity`,
];

/** Handoffs ranked by count × median wait, and rework (activities repeated in a case). */
export const FLOOR_BOTTLENECKS = [
  `WITH ordered AS (
     SELECT activity, lead(activity) OVER w AS next_activity, epoch(lead(ts) OVER w) - epoch(ts) AS seconds
     FROM (${CASE_EVENTS}) WINDOW w AS (PARTITION BY order_id ORDER BY ts, rn))
   SELECT activity, next_activity, count(*) AS n, median(seconds) AS med, count(*) * median(seconds) AS total
   FROM ordered WHERE next_activity IS NOT NULL GROUP BY ALL ORDER BY total DESC LIMIT 20`,
  `WITH per AS (SELECT order_id, activity, count(*) AS n, epoch(max(ts)) - epoch(min(ts)) AS lost FROM (${CASE_EVENTS}) GROUP BY ALL HAVING count(*) > 1)
   SELECT activity, count(*), sum(n - 1), sum(lost) FROM per GROUP BY activity ORDER BY 4 DESC`,
];

/** Exception cases per week of case start and type, over the cases started that week. */
export const FLOOR_EXCEPTIONS = (types: Record<string, readonly string[]>) => [
  `WITH e AS (${CASE_EVENTS}),
        starts AS (SELECT order_id, date_trunc('week', min(ts)) AS week FROM e GROUP BY order_id),
        population AS (SELECT week, count(*) AS cases FROM starts GROUP BY week),
        hits AS (SELECT CASE ${Object.entries(types).map(([type, activities]) => `WHEN activity IN (${activities.map((a) => `'${a.replaceAll("'", "''")}'`).join(', ')}) THEN '${type.replaceAll("'", "''")}'`).join(' ')} END AS type, order_id, count(*) AS n
                 FROM e GROUP BY ALL HAVING type IS NOT NULL)
   SELECT h.type, s.week, sum(h.n), count(*), count(*) / any_value(p.cases) FROM hits h JOIN starts s USING (order_id) JOIN population p USING (week) GROUP BY h.type, s.week`,
];

/** The process map's edges for the cases with an attribute value (channel = EDI). */
export const FLOOR_ATTRIBUTE_FILTERED_MAP = [
  `WITH kept AS (SELECT DISTINCT order_id FROM raw WHERE channel = 'EDI'),
        ordered AS (
          SELECT activity, lead(activity) OVER w AS next_activity, epoch(lead(ts) OVER w) - epoch(ts) AS seconds
          FROM (${CASE_EVENTS}) WHERE order_id IN (SELECT order_id FROM kept) WINDOW w AS (PARTITION BY order_id ORDER BY ts, rn))
   SELECT activity, next_activity, count(*), avg(seconds), quantile_cont(seconds, [0.5, 0.9]), min(seconds), max(seconds), sum(seconds), stddev_samp(seconds)
   FROM ordered WHERE next_activity IS NOT NULL GROUP BY ALL`,
];

/** First A to the first B after it, per case; summarized. */
export const FLOOR_MILESTONE = (from: string, to: string) => [
  `WITH e AS (${CASE_EVENTS}),
        a AS (SELECT order_id, min((ts, rn)) AS first_a FROM e WHERE activity = '${from.replaceAll("'", "''")}' GROUP BY order_id),
        b AS (SELECT e.order_id, min(e.ts) AS first_b FROM e JOIN a USING (order_id) WHERE e.activity = '${to.replaceAll("'", "''")}' AND (e.ts, e.rn) > a.first_a GROUP BY e.order_id),
        d AS (SELECT epoch(b.first_b) - epoch(a.first_a[1]) AS seconds FROM a JOIN b USING (order_id))
   SELECT count(*), min(seconds), quantile_cont(seconds, [0.25, 0.5, 0.75, 0.9]), avg(seconds), max(seconds) FROM d`,
];

/** Case duration by the warehouse on the case's first event. */
export const FLOOR_BREAKDOWN = [
  `SELECT first_warehouse, count(*), median(seconds), avg(seconds), quantile_cont(seconds, 0.9)
   FROM (SELECT order_id, arg_min(warehouse, (ts, rn)) AS first_warehouse, epoch(max(ts)) - epoch(min(ts)) AS seconds FROM (${CASE_EVENTS}) GROUP BY order_id)
   GROUP BY first_warehouse ORDER BY 3 DESC`,
];

/** Case duration per week of case start. */
export const FLOOR_TREND = [
  `SELECT date_trunc('week', start) AS week, count(*), median(seconds), avg(seconds), quantile_cont(seconds, 0.9)
   FROM (SELECT min(ts) AS start, epoch(max(ts)) - epoch(min(ts)) AS seconds FROM (${CASE_EVENTS}) GROUP BY order_id)
   GROUP BY week ORDER BY week`,
];
