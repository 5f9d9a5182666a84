import type { LoadChoice, UploadReply } from '../api/client.ts';
import type { RoleChoice, UploadState } from '../../../ingest/index.ts';

export type { LoadChoice, UploadReply, UploadState };

/** The roles the form maps (the lifecycle is left to the load's own decision). */
export type FormRole = 'case' | 'activity' | 'timestamp' | 'resource';

/** The form's state: what the load takes, each role a column ('' while none is chosen; for the resource, none). */
export interface FormChoice {
  name: string;
  mapping: Record<FormRole, string>;
  mode: NonNullable<LoadChoice['mode']>;
  onBadRows: NonNullable<LoadChoice['onBadRows']>;
}

export const EMPTY_CHOICE: FormChoice = { name: '', mapping: { case: '', activity: '', timestamp: '', resource: '' }, mode: 'create', onBadRows: 'reject' };

/** The form's first choices: the preview's decided mapping, its log name, a new log, bad rows refused. */
export function choiceFromPreview(reply: UploadReply): FormChoice {
  const { roles, logName } = reply.preview;
  return {
    name: logName,
    mapping: { case: roles.case.value, activity: roles.activity.value, timestamp: roles.timestamp.value, resource: roles.resource.value },
    mode: 'create',
    onBadRows: 'reject',
  };
}

/** The line under a role's select: how the preview settled it, or, once the user chose another column, what it had suggested. */
export function roleHint(role: RoleChoice, chosen: string): string {
  if (chosen === role.value) return role.how;
  return role.value === '' ? 'your choice' : `your choice; suggested ${role.label}`;
}

/** What the form asks the load to do: a resource only when one is chosen, a time zone only when not UTC. */
export function loadRequest(choice: FormChoice, timeZone: string): LoadChoice {
  const { resource, ...roles } = choice.mapping;
  const zone = timeZone.trim();
  return { ...choice, mapping: { ...roles, ...(resource === '' ? {} : { resource }) }, ...(zone === '' || zone === 'UTC' ? {} : { timeZone: zone }) };
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
