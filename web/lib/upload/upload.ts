import { defaultLogName } from '../../../ingest/log-name.ts';
import type { SourcePreview } from '../../../ingest/preview.ts';
import type { UploadState } from '../../../ingest/upload.ts';

/** What `POST /api/logs` answers: the upload's state and its preview. */
export type UploadReply = UploadState & { preview: SourcePreview };
export type { SourcePreview, UploadState };

/** How the user confirms a load: the same fields `POST /api/uploads/:id/load` takes. */
export interface LoadChoice {
  name: string;
  mapping: { case: string; activity: string; timestamp: string; resource?: string };
  mode: 'create' | 'replace' | 'append';
  onBadRows: 'reject' | 'quarantine';
  /** IANA zone naive timestamps were written in; left out for UTC. */
  timeZone?: string;
}

type Role = 'case' | 'activity' | 'timestamp' | 'resource';

/**
 * A role's value in the form: the column(s) the preview's mapping decision
 * settled (several joined with '+', which the load reads as a combination), or
 * '' when it left the role open for the user.
 */
export function decidedColumns(preview: SourcePreview, role: Role): string {
  return preview.by[role] === undefined ? '' : (preview.proposal[role]?.columns.join('+') ?? '');
}

/** The form's first choices: the decided mapping, the file's name as the log's, a new log, bad rows refused. */
export function choiceFromPreview(reply: UploadReply): LoadChoice {
  const { preview } = reply;
  const resource = decidedColumns(preview, 'resource');
  return {
    name: defaultLogName(reply.file),
    mapping: { case: decidedColumns(preview, 'case'), activity: decidedColumns(preview, 'activity'), timestamp: decidedColumns(preview, 'timestamp'), ...(resource === '' ? {} : { resource }) },
    mode: 'create',
    onBadRows: 'reject',
  };
}

/** What a role's select offers: every column, and first the decided combination of columns, if any. */
export function roleOptions(preview: SourcePreview, role: Role): { value: string; label: string }[] {
  const decided = decidedColumns(preview, role);
  const combined = decided.includes('+') && !preview.columns.includes(decided) ? [{ value: decided, label: preview.proposal[role]!.columns.join(' + ') }] : [];
  return [...combined, ...preview.columns.map((column) => ({ value: column, label: column }))];
}

/** How the preview settled a role, for the line under its select; once the user chose another column, what it had suggested. */
export function howDecided(preview: SourcePreview, role: Role, chosen = decidedColumns(preview, role)): string {
  const proposed = preview.proposal[role];
  const decided = decidedColumns(preview, role);
  if (chosen !== decided) return decided === '' ? 'your choice' : `your choice; suggested ${proposed!.columns.join(' + ')}`;
  switch (preview.by[role]) {
    case 'name':
      return 'recognized by its name';
    case 'flag':
      return 'as named';
    case 'values':
      return `told by the values, ${Math.round(proposed!.confidence * 100)} % sure`;
    default:
      return proposed ? `not sure: likeliest ${proposed.columns.join(' + ')} (${Math.round(proposed.confidence * 100)} %)` : role === 'resource' ? 'no column looks like one' : 'choose a column';
  }
}

/** The error text of a failed API call. */
async function errorOf(response: Response): Promise<string> {
  try {
    return ((await response.json()) as { error?: string }).error ?? `the server answered ${response.status}`;
  } catch {
    return `the server answered ${response.status}`;
  }
}

/**
 * Sends a file as the body of `POST /api/logs?file=NAME`, reporting the bytes
 * sent (XMLHttpRequest, because fetch cannot report upload progress).
 */
export function sendFile(file: File, onSent: (fraction: number) => void): Promise<UploadReply> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/logs?file=${encodeURIComponent(file.name)}`);
    request.setRequestHeader('Content-Type', 'application/octet-stream');
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onSent(event.loaded / event.total);
    };
    request.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        reject(new Error(`the server answered ${request.status}`));
        return;
      }
      if (request.status === 201) resolve(body as UploadReply);
      else reject(new Error((body as { error?: string }).error ?? `the server answered ${request.status}`));
    };
    request.onerror = () => reject(new Error('the upload was interrupted; is the server running?'));
    request.send(file);
  });
}

/** Starts loading an upload; its progress then arrives through `followUpload`. */
export async function startLoad(upload: string, choice: LoadChoice): Promise<UploadState> {
  const response = await fetch(`/api/uploads/${upload}/load`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(choice),
  });
  if (!response.ok) throw new Error(await errorOf(response));
  return (await response.json()) as UploadState;
}

/** Calls `onState` with each state of the upload (server-sent events) until it is loaded or failed; returns a function that stops following. */
export function followUpload(upload: string, onState: (state: UploadState) => void): () => void {
  const source = new EventSource(`/api/uploads/${upload}/events`);
  source.addEventListener('state', (event) => {
    const state = JSON.parse((event as MessageEvent<string>).data) as UploadState;
    onState(state);
    if (state.status === 'loaded' || state.status === 'failed') source.close();
  });
  return () => source.close();
}



/** The share of the whole load done, for one progress bar: reading is the first 70 %, storing the rest. */
export function loadFraction(state: Pick<UploadState, 'status' | 'progress'>): number {
  if (state.status === 'loaded') return 1;
  if (state.progress === null) return 0;
  return state.progress.phase === 'reading' ? 0.7 * state.progress.fraction : 0.7 + 0.3 * state.progress.fraction;
}

/** A file size for people: bytes, kB, MB or GB (powers of 1000, as file managers show them). */
export function fileSize(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toLocaleString('en-US', { maximumFractionDigits: unit === 0 ? 0 : 1 })} ${units[unit]}`;
}
