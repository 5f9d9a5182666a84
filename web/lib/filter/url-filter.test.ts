import { describe, expect, it } from 'vitest';
import { casesHref, filterChips, filterQuery, filterSearch, isFiltered, withConditions, withoutChip, withoutFilter } from './url-filter.ts';

const url = (search: string) => new URL(`http://waybill.test/logs/orders${search}`);

describe('the filter in the URL', () => {
  it('reads the API’s filter parameters, repeatable ones as lists, and nothing else', () => {
    const page = url('?view=performance&where=a%20%3D%201&where=b%20is%20missing&has=Ship&from=2026-01-01&paths=40&notion=order');
    expect(filterQuery(page)).toEqual({ where: ['a = 1', 'b is missing'], has: ['Ship'], from: '2026-01-01', notion: 'order' });
    expect(isFiltered(page)).toBe(true);
    expect(isFiltered(url('?notion=order&view=performance'))).toBe(false);
    expect(filterSearch(page)).toBe('?from=2026-01-01&where=a+%3D+1&where=b+is+missing&has=Ship&notion=order');
    expect(filterSearch(url('?view=performance'))).toBe('');
  });

  it('shows each condition as a chip, time and duration each as one', () => {
    const page = url('?to=2026-02-01&from=2026-01-01&timeframe=started&where=tier%20in%20(gold)&without=Credit%20Hold&follows=A%20-%3E%20B&eventually=B%20-%3E%20C&starts=A&ends=D&min-duration=2d&variant=3');
    expect(filterChips(page).map((chip) => chip.label)).toEqual([
      'Cases started 2026-01-01 to 2026-02-01',
      'tier in (gold)',
      'without Credit Hold',
      'starts with A',
      'ends with D',
      'A → B',
      'B → C (eventually)',
      'duration ≥ 2d',
      'variant 3',
    ]);
    expect(filterChips(url('?to=2026-02-01')).map((chip) => chip.label)).toEqual(['Cases active until 2026-02-01']);
  });

  it('removes exactly a chip’s conditions, adds conditions beside the others, and starts a paged list over', () => {
    const page = url('?has=A&has=B&from=2026-01-01&timeframe=contained&page=3&paths=40');
    const [time, , b] = filterChips(page);
    expect(withoutChip(page, b!).search).toBe('?has=A&from=2026-01-01&timeframe=contained&paths=40');
    expect(withoutChip(page, time!).search).toBe('?has=A&has=B&paths=40');
    expect(withConditions(page, { has: 'C', from: '2026-02-01', to: undefined }).search).toBe('?has=A&has=B&from=2026-02-01&timeframe=contained&paths=40&has=C');
    // The same condition twice is once.
    expect(withConditions(page, { has: 'A' }).searchParams.getAll('has')).toEqual(['A', 'B']);
    expect(withoutFilter(url('?has=A&notion=order&paths=40&page=2')).search).toBe('?notion=order&paths=40');
  });
});

describe('casesHref', () => {
  it('opens the case list of a log in the page’s filter narrowed by the conditions, on its first page', () => {
    const url = new URL('http://x/logs/a%20b/bottlenecks?has=A&page=3&rank-by=median');
    expect(casesHref(url, 'a b', { follows: 'A -> B', has: 'A' })).toBe('/logs/a%20b/cases?has=A&follows=A+-%3E+B');
  });
});
