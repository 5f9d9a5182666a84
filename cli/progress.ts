import cliProgress from 'cli-progress';

/** A progress report for a long command; a no-op when stderr is not a terminal (CI, pipes, files). */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr with count, rate and ETA, through cli-progress, so the
 * output written to stdout (tables, JSON) stays clean. `unit` names what is counted.
 */
export function startProgress(label: string, total: number, unit: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || total <= 0) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} {bar} {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`,
      formatValue: (value, _options, type) => (type === 'value' || type === 'total' ? Math.round(value).toLocaleString('en-US') : String(value)),
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  bar.start(total, 0, { rate: '0' });
  return {
    update(done: number) {
      const seconds = (performance.now() - started) / 1000;
      bar.update(Math.min(done, total), { rate: seconds > 0 ? Math.round(done / seconds).toLocaleString('en-US') : '0' });
    },
    stop() {
      bar.stop();
    },
  };
}
