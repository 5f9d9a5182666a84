/**
 * Files whose columns Waybill does not know by name, for the mapping decision
 * shared by `waybill ingest` and the upload preview.
 */

/**
 * `CaseID;Activity;Start Time;User` with day-first dates: the case, activity and
 * resource are known names, the timestamp is told by its values (13/01 can only
 * be day-first). 3 cases, 8 events, 4 activities; case 1 runs 13/01 09:30 → 14/01 08:00.
 */
export const DAY_FIRST_CSV = `CaseID;Activity;Start Time;User
1;Register;13/01/2026 09:30;Anna
1;Check;13/01/2026 11:05;Ben
1;Approve;14/01/2026 08:00;Anna
2;Register;14/01/2026 10:15;Carl
2;Check;15/01/2026 16:40;Ben
2;Reject;16/01/2026 09:00;Dora
3;Register;02/02/2026 07:45;Anna
3;Check;03/02/2026 12:00;Carl
`;

/** Two time columns that nothing tells apart: same format, both varying within every case, no name cue. */
export const TIED_TIMES_CSV = `Order;Step;Planned;Actual
A1;Open;13/01/2026 09:30;13/01/2026 09:31
A1;Close;14/01/2026 09:30;14/01/2026 09:41
A2;Open;15/01/2026 09:30;15/01/2026 09:35
A2;Close;16/01/2026 09:30;16/01/2026 09:32
`;

/** No column repeats the way a case id does: each row has its own number, the rest are activities, times and people. */
export const NO_CASE_CSV = `Step;When;Who;Line
Open;2026-01-13 09:30;ann;1
Close;2026-01-14 09:30;bob;2
Open;2026-01-15 09:30;ann;3
Close;2026-01-16 09:30;cat;4
`;
