/** Variants shown per page: the list is paged, never sent whole (a log can have hundreds of thousands). */
export const VARIANTS_PAGE = 50;

/** The page the URL asks for (`page=N`, from 1); 1 for anything else. */
export function variantsPage(url: URL): number {
  const asked = Number(url.searchParams.get('page'));
  return Number.isSafeInteger(asked) && asked >= 1 ? asked : 1;
}

/** The URL of another page of the list, with everything else (the filter) kept. */
export function pageUrl(url: URL, page: number): string {
  const next = new URL(url);
  if (page <= 1) next.searchParams.delete('page');
  else next.searchParams.set('page', String(page));
  return `${next.pathname}${next.search}`;
}
