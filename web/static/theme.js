// Sets the colour scheme the reader chose (light or dark; none: follow the system)
// before the page paints, so a dark page never flashes light. Loaded as a file: the
// content security policy allows no inline script.
try {
  const theme = localStorage.getItem('waybill-theme');
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
} catch {
  // Storage may be blocked; the system's scheme applies.
}
